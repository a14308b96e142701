package io.hdkd.core.plugin;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.util.Types;
import io.hdkd.api.ComponentFactory;
import io.hdkd.api.ComponentKind;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plugins and merges their factories into a {@link ComponentRegistry}.
 *
 * <p>From a folder: every entry of the folder is one plugin, either a {@code .jar} directly inside it or a subfolder
 * holding the plugin's jars; entries load in the order of their names, so which of two clashing plugins wins is
 * deterministic. Each gets its own {@link PluginClassLoader}. A plugin that cannot be loaded is refused with one line
 * naming its jar, and the others load regardless. From the classpath: for tests and embedding, every
 * {@link HdkdPlugin} the application class loader sees.
 */
public final class PluginManager {

    private static final Logger LOG = LoggerFactory.getLogger(PluginManager.class);
    private static final String SERVICES = "META-INF/services/" + HdkdPlugin.class.getName();

    /**
     * Guice reports an exception thrown by a module on java.util.logging at INFO, stack trace included; the host
     * already turns it into a one-line refusal. Held in a field: JUL keeps loggers only weakly, with their levels.
     */
    private static final java.util.logging.Logger GUICE_MESSAGES =
            java.util.logging.Logger.getLogger("com.google.inject");

    static {
        GUICE_MESSAGES.setLevel(java.util.logging.Level.WARNING);
    }

    private final ComponentRegistry registry = new ComponentRegistry();
    private final List<PluginRefusal> refusals = new ArrayList<>();

    private PluginManager() {}

    /**
     * Loads every plugin in {@code pluginsDir}, after initialising the default DJL engine (DJL discovers engines
     * through the context class loader, so it must happen with the host's loader, before any plugin runs).
     *
     * @throws InvalidInputException if {@code pluginsDir} is not a readable folder
     */
    public static LoadedPlugins loadDirectory(Path pluginsDir) {
        if (!Files.isDirectory(pluginsDir)) {
            throw new InvalidInputException("plugins folder " + pluginsDir + " does not exist or is not a folder");
        }
        EngineStartup.initialise();
        PluginManager manager = new PluginManager();
        List<Path> entries;
        try (Stream<Path> s = Files.list(pluginsDir)) {
            entries = s.filter(PluginManager::isPluginEntry).sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException("cannot list plugins folder " + pluginsDir + ": " + e.getMessage(), e);
        }
        for (Path entry : entries) {
            manager.loadEntry(entry);
        }
        return new LoadedPlugins(manager.registry, manager.refusals);
    }

    /** Loads the plugins visible on the application class path (tests, embedding); the same checks apply. */
    public static LoadedPlugins fromClasspath() {
        return fromClassLoader(PluginManager.class.getClassLoader());
    }

    /** Loads the plugins {@code loader} sees through ServiceLoader, all sharing that loader. */
    public static LoadedPlugins fromClassLoader(ClassLoader loader) {
        EngineStartup.initialise();
        PluginManager manager = new PluginManager();
        List<ServiceLoader.Provider<HdkdPlugin>> providers = new ArrayList<>();
        try {
            ServiceLoader.load(HdkdPlugin.class, loader).stream().forEach(providers::add);
        } catch (ServiceConfigurationError e) {
            manager.refusals.add(new PluginRefusal("(classpath)", "bad service entry: " + e.getMessage()));
        }
        providers.sort((a, b) -> a.type().getName().compareTo(b.type().getName()));
        for (ServiceLoader.Provider<HdkdPlugin> p : providers) {
            manager.loadProvider(p, loader, Optional.empty(), p.type().getName());
        }
        return new LoadedPlugins(manager.registry, manager.refusals);
    }

    private static boolean isPluginEntry(Path p) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
            return false;
        }
        return Files.isDirectory(p) || name.endsWith(".jar");
    }

    private void loadEntry(Path entry) {
        List<Path> jars;
        if (Files.isDirectory(entry)) {
            try (Stream<Path> s = Files.list(entry)) {
                jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            } catch (IOException e) {
                refuse(entry.toString(), "cannot list the folder: " + e.getMessage());
                return;
            }
            if (jars.isEmpty()) {
                refuse(entry.toString(), "the folder holds no .jar files");
                return;
            }
        } else {
            jars = List.of(entry);
        }
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            Optional<String> problem = checkJar(jar);
            if (problem.isPresent()) {
                refuse(jar.toString(), problem.get());
                return;
            }
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(e);
            }
        }
        String entryName = entry.getFileName().toString().replaceFirst("\\.jar$", "");
        PluginClassLoader loader = new PluginClassLoader(entryName, urls, PluginManager.class.getClassLoader());
        List<ServiceLoader.Provider<HdkdPlugin>> own = new ArrayList<>();
        try {
            // A child loader also sees the host's services entries: keep only what this plugin defines itself.
            ServiceLoader.load(HdkdPlugin.class, loader).stream()
                    .filter(p -> p.type().getClassLoader() == loader)
                    .forEach(own::add);
        } catch (ServiceConfigurationError | LinkageError e) {
            refuse(entry.toString(), "bad " + SERVICES + " entry: " + rootMessage(e));
            closeQuietly(loader);
            return;
        }
        if (own.isEmpty()) {
            refuse(entry.toString(), "no " + SERVICES + " entry naming a class in this plugin");
            closeQuietly(loader);
            return;
        }
        boolean anyLoaded = false;
        for (ServiceLoader.Provider<HdkdPlugin> p : own) {
            anyLoaded |= loadProvider(p, loader, Optional.of(entry), entry.toString());
        }
        if (!anyLoaded) {
            closeQuietly(loader);
        }
    }

    /** Why {@code jar} cannot be used, or empty if it opens as a jar. */
    private static Optional<String> checkJar(Path jar) {
        if (!Files.isReadable(jar)) {
            return Optional.of("the jar is not readable");
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            jf.stream().count();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("not a readable jar (" + rootMessage(e) + ")");
        }
    }

    /** Instantiates, checks and registers one plugin; returns whether it was registered. */
    private boolean loadProvider(
            ServiceLoader.Provider<HdkdPlugin> provider, ClassLoader loader, Optional<Path> source, String where) {
        HdkdPlugin plugin;
        String name;
        String version;
        int spi;
        try {
            plugin = ContextClassLoader.call(loader, provider::get);
            name = ContextClassLoader.call(loader, plugin::name);
            version = ContextClassLoader.call(loader, plugin::version);
            spi = ContextClassLoader.call(loader, plugin::spiVersion);
        } catch (Exception | ServiceConfigurationError | LinkageError e) {
            // Exception, not only RuntimeException: plugin code can throw checked exceptions sneakily.
            refuse(where, "cannot instantiate " + provider.type().getName() + ": " + rootMessage(e));
            return false;
        }
        if (spi < HdkdPlugin.MIN_SPI_VERSION || spi > HdkdPlugin.SPI_VERSION) {
            refuse(where, "plugin '" + name + "' was built for plugin SPI version " + spi
                    + ", but this hdkd supports SPI versions " + HdkdPlugin.MIN_SPI_VERSION + " to "
                    + HdkdPlugin.SPI_VERSION);
            return false;
        }
        if (name == null || name.isBlank() || version == null) {
            refuse(where, provider.type().getName() + " returns no name or version");
            return false;
        }
        Optional<PluginInfo> sameName = registry.plugin(name);
        if (sameName.isPresent()) {
            refuse(where, "a plugin named '" + name + "' is already loaded from " + sameName.get().sourceText());
            return false;
        }
        PluginInfo info = new PluginInfo(name, version, spi, source);
        List<RegisteredComponent> components;
        try {
            components = ContextClassLoader.call(loader, () -> components(plugin, info, loader));
        } catch (Exception | LinkageError e) {
            refuse(where, "plugin '" + name + "' failed to start: its module threw " + firstMessage(e));
            return false;
        }
        Optional<RegisteredComponent> clash = registry.conflict(components);
        if (clash.isPresent()) {
            RegisteredComponent taken = clash.get();
            refuse(where, "plugin '" + name + "' registers " + taken.kind().label() + " '" + taken.name()
                    + "', which " + taken.plugin().describe() + " already registered");
            return false;
        }
        registry.add(info, components);
        LOG.debug("loaded plugin {} {} from {} with {} components", name, version, info.sourceText(), components.size());
        return true;
    }

    /** Creates the plugin's module in its own injector and pulls its factory maps; may throw anything. */
    private static List<RegisteredComponent> components(HdkdPlugin plugin, PluginInfo info, ClassLoader loader) {
        Module module = plugin.module();
        if (module == null) {
            throw new IllegalStateException("module() returned null");
        }
        Injector injector = Guice.createInjector(Stage.PRODUCTION, module);
        List<RegisteredComponent> out = new ArrayList<>();
        for (ComponentKind kind : ComponentKind.values()) {
            Key<?> key = Key.get(Types.mapOf(String.class, kind.factoryType()));
            if (injector.getExistingBinding(key) == null) {
                continue;
            }
            Map<?, ?> map = (Map<?, ?>) injector.getInstance(key);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                ComponentFactory<?> factory = (ComponentFactory<?>) e.getValue();
                // Ask for the options now, so a factory whose declarations are broken refuses its plugin here.
                factory.options();
                out.add(new RegisteredComponent(kind, (String) e.getKey(),
                        ContextSwitching.factory(kind, factory, loader), info));
            }
        }
        return out;
    }

    private void refuse(String where, String reason) {
        PluginRefusal r = new PluginRefusal(where, reason);
        LOG.debug("{}", r.message());
        refusals.add(r);
    }

    /** For Guice's CreationException the first error's message; otherwise the root cause's. */
    private static String firstMessage(Throwable e) {
        if (e instanceof com.google.inject.CreationException ce && !ce.getErrorMessages().isEmpty()) {
            var m = ce.getErrorMessages().iterator().next();
            Throwable cause = m.getCause();
            return cause != null ? rootMessage(cause) : m.getMessage();
        }
        if (e instanceof com.google.inject.ProvisionException pe && !pe.getErrorMessages().isEmpty()) {
            var m = pe.getErrorMessages().iterator().next();
            Throwable cause = m.getCause();
            return cause != null ? rootMessage(cause) : m.getMessage();
        }
        return rootMessage(e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        String text = t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    private static void closeQuietly(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing was loaded from it
        }
    }
}
