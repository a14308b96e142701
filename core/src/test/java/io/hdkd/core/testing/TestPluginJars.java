package io.hdkd.core.testing;

import com.google.inject.Module;
import io.hdkd.api.HdkdPlugin;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles small plugins from source in a test and packs them into jars, as a third party would. */
public final class TestPluginJars {

    private TestPluginJars() {}

    /**
     * Source of a plugin with one component.
     *
     * @param pkg the Java package (distinct per plugin, so classes never clash by accident)
     * @param kindMethod the {@code Components} method, e.g. {@code partitioner}
     * @param factoryType the factory interface's simple name, e.g. {@code PartitionerFactory}
     * @param moduleBody a replacement module expression, or null for the standard one
     */
    public static Map<String, String> pluginSources(String pkg, String pluginName, int spiVersion, String kindMethod,
            String factoryType, String componentName, String moduleBody) {
        String module = moduleBody != null
                ? moduleBody
                : "binder -> io.hdkd.api.Components.in(binder)." + kindMethod + "(new ThingFactory())";
        String plugin = "package " + pkg + ";\n"
                + "public final class ThingPlugin implements io.hdkd.api.HdkdPlugin {\n"
                + "  public String name() { return \"" + pluginName + "\"; }\n"
                + "  public String version() { return \"1.2.3\"; }\n"
                + "  public int spiVersion() { return " + spiVersion + "; }\n"
                + "  public com.google.inject.Module module() { return " + module + "; }\n"
                + "}\n";
        String factory = "package " + pkg + ";\n"
                + "import io.hdkd.api.*;\n"
                + "import java.util.List;\n"
                + "public final class ThingFactory implements " + factoryType + " {\n"
                + "  public String name() { return \"" + componentName + "\"; }\n"
                // Says which context class loader is active during a call, so tests can check the swap.
                + "  public String description() { return \"context loader: \" + Thread.currentThread()"
                + ".getContextClassLoader().getName(); }\n"
                + "  public List<OptionSpec> options() { return List.of(\n"
                + "      OptionSpec.integer(\"cells\", 4, \"Grid cells per side.\"),\n"
                + "      OptionSpec.choice(\"mode\", \"hard\", \"How locations are assigned.\", \"hard\", \"soft\")); }\n"
                + "  public Object create(Options options, ComponentContext context) {\n"
                + "    throw new UnsupportedOperationException(\"test fixture\"); }\n"
                + "}\n";
        // The generic 'create' must return the component type; patch per factory type.
        factory = factory.replace("public Object create", "public " + componentType(factoryType) + " create");
        return Map.of(pkg + ".ThingPlugin", plugin, pkg + ".ThingFactory", factory);
    }

    private static String componentType(String factoryType) {
        return switch (factoryType) {
            case "BackboneFactory" -> "Backbone";
            case "NeckFactory" -> "Neck";
            case "HeadFactory" -> "DetectorHead";
            case "PartitionerFactory" -> "FeaturePartitioner";
            case "DistillationLossFactory" -> "DistillationLoss";
            default -> throw new IllegalArgumentException(factoryType);
        };
    }

    /** Compiles {@code sources} (class name to source) and writes a jar with the given extra entries. */
    public static Path jar(Path jar, Map<String, String> sources, Map<String, String> entries) {
        return jar(jar, sources, entries, false);
    }

    /**
     * As {@link #jar(Path, Map, Map)}; with {@code againstCore}, compiled with hdkd's core classes on the class path
     * too (a plugin that links against core, which its class loader must then not let it reach).
     */
    public static Path jar(Path jar, Map<String, String> sources, Map<String, String> entries, boolean againstCore) {
        try {
            Path work = Files.createTempDirectory("hdkd-test-plugin");
            Path src = work.resolve("src");
            Path classes = work.resolve("classes");
            Files.createDirectories(classes);
            List<String> args = new ArrayList<>(List.of(
                    "-d", classes.toString(), "-classpath", hostClasspath(againstCore), "--release", "17", "-nowarn"));
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                args.add(file.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            StringWriter log = new StringWriter();
            int rc = javac.run(null, null, new java.io.PrintStream(OutputStream.nullOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) {
                    log.write(new String(b, off, len, StandardCharsets.UTF_8));
                }
            }, args.toArray(new String[0]));
            if (rc != 0) {
                throw new IllegalStateException("test plugin does not compile: " + log);
            }
            Files.createDirectories(jar.getParent());
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
                for (Map.Entry<String, String> e : entries.entrySet()) {
                    out.putNextEntry(new JarEntry(e.getKey()));
                    out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            }
            try (Stream<Path> all = Files.walk(work)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A complete plugin jar: its classes plus the services entry naming the plugin class. */
    public static Path pluginJar(Path jar, String pkg, String pluginName, int spiVersion, String kindMethod,
            String factoryType, String componentName) {
        return jar(jar, pluginSources(pkg, pluginName, spiVersion, kindMethod, factoryType, componentName, null),
                Map.of(services(), pkg + ".ThingPlugin\n"));
    }

    public static String services() {
        return "META-INF/services/" + HdkdPlugin.class.getName();
    }

    /** The api, Guice and DJL api jars (or class folders) the test runs with: what a plugin compiles against. */
    private static String hostClasspath(boolean withCore) {
        List<String> parts = new ArrayList<>();
        List<Class<?>> from = new ArrayList<>(List.of(HdkdPlugin.class, Module.class, ai.djl.ndarray.NDArray.class));
        if (withCore) {
            from.add(io.hdkd.core.util.Seeds.class);
        }
        for (Class<?> c : from) {
            try {
                parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }
}
