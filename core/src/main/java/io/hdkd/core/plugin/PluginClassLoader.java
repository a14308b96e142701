package io.hdkd.core.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin, isolated as Trino isolates its plugins: its parent is the JDK's platform class
 * loader, and the only host classes it can see are those of the SPI packages ({@link #SPI_PACKAGES}: hdkd's api,
 * DJL, Guice with the Guava and aopalliance types Guice exposes, jakarta.inject and SLF4J), which it takes from the
 * host's loader and never from the plugin's jars. Everything else comes from the plugin's own jars, then the JDK, so
 * a plugin cannot link against hdkd's core or the host's other libraries (Gson, picocli, ...), and can bundle its own
 * versions of them.
 *
 * <p>DJL must be shared because arrays and blocks cross the SPI and its JNI library binds to one loader; Guice
 * because the plugin's {@code Module} is a Guice type, and Guava with it (Guice's API exposes Guava types, so a
 * plugin's own Guava could not be told apart from the host's at the boundary): Guava is host-supplied.
 */
public final class PluginClassLoader extends URLClassLoader {

    /** Class name prefixes taken from the host's loader: the SPI a plugin is compiled against. */
    public static final List<String> SPI_PACKAGES = List.of(
            "io.hdkd.api.",
            "ai.djl.",
            "com.google.inject.",
            "com.google.common.",
            "org.aopalliance.",
            "jakarta.inject.",
            "javax.inject.",
            "org.slf4j.");

    /** Prefixes of the JDK's own classes: asked of the platform loader first (a plugin cannot redefine them). */
    private static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "org.w3c.", "org.xml.", "org.ietf.");

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final String pluginName;
    private final ClassLoader spi;

    /**
     * @param urls the plugin's jars
     * @param spi the host's loader, asked for the classes and resources of {@link #SPI_PACKAGES} only
     */
    public PluginClassLoader(String pluginName, List<URL> urls, ClassLoader spi) {
        super("hdkd-plugin-" + pluginName, urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        this.pluginName = pluginName;
        this.spi = spi;
    }

    /** The plugins/ entry this loader was made for. */
    public String pluginName() {
        return pluginName;
    }

    static boolean isSpi(String className) {
        return startsWithAny(className, SPI_PACKAGES);
    }

    /**
     * A resource path such as {@code ai/djl/engine.properties} checked against the class prefixes. Services files
     * ({@code META-INF/services/...}) are never SPI resources: a plugin sees its own, not the host's (whose entries
     * name host classes it cannot load).
     */
    static boolean isSpiResource(String name) {
        return !name.startsWith("META-INF/") && isSpi(name.replace('/', '.'));
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (isSpi(name)) {
                    c = spi.loadClass(name);
                } else if (startsWithAny(name, JDK_PACKAGES)) {
                    c = getParent().loadClass(name);
                } else {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        try {
                            c = getParent().loadClass(name);
                        } catch (ClassNotFoundException notInJdk) {
                            // No cause: this message is what refusals and stack traces should show.
                            throw new ClassNotFoundException(name + " (plugin '" + pluginName + "' sees only its own"
                                    + " jars, the JDK and the SPI packages " + SPI_PACKAGES + ")");
                        }
                    }
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        if (isSpiResource(name)) {
            return spi.getResource(name);
        }
        URL url = findResource(name);
        return url != null ? url : getParent().getResource(name);
    }

    /** The host's for SPI resources; otherwise the plugin's own, then the JDK's. */
    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (isSpiResource(name)) {
            return spi.getResources(name);
        }
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }
}
