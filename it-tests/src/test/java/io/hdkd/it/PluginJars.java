package io.hdkd.it;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * Builds a third-party plugin the way an outsider would: Java source compiled with javac against the
 * distribution's api jar (and the DJL/Guice jars next to it), packed with its services entry.
 */
final class PluginJars {

    static final String SERVICES = "META-INF/services/io.hdkd.api.HdkdPlugin";

    private PluginJars() {}

    /** A plugin named {@code pluginName} with one partitioner {@code componentName} declaring two options. */
    static Path partitionerPlugin(Path dist, Path jar, String pkg, String pluginName, String spiVersion,
            String componentName) throws IOException {
        String plugin = "package " + pkg + ";\n"
                + "import com.google.inject.Module;\n"
                + "import io.hdkd.api.Components;\n"
                + "import io.hdkd.api.HdkdPlugin;\n"
                + "public final class StripesPlugin implements HdkdPlugin {\n"
                + "  @Override public String name() { return \"" + pluginName + "\"; }\n"
                + "  @Override public String version() { return \"3.1.4\"; }\n"
                + "  @Override public int spiVersion() { return " + spiVersion + "; }\n"
                + "  @Override public Module module() {\n"
                + "    return binder -> Components.in(binder).partitioner(new StripesFactory());\n"
                + "  }\n"
                + "}\n";
        String factory = "package " + pkg + ";\n"
                + "import io.hdkd.api.ComponentContext;\n"
                + "import io.hdkd.api.FeaturePartitioner;\n"
                + "import io.hdkd.api.OptionSpec;\n"
                + "import io.hdkd.api.Options;\n"
                + "import io.hdkd.api.PartitionerFactory;\n"
                + "import java.util.List;\n"
                + "public final class StripesFactory implements PartitionerFactory {\n"
                + "  @Override public String name() { return \"" + componentName + "\"; }\n"
                + "  @Override public String description() { return \"Splits feature maps into horizontal stripes.\"; }\n"
                + "  @Override public List<OptionSpec> options() {\n"
                + "    return List.of(OptionSpec.integer(\"stripes\", 3, \"How many stripes per map.\"),\n"
                + "        OptionSpec.bool(\"overlap\", false, \"Whether neighbouring stripes share a row.\"));\n"
                + "  }\n"
                + "  @Override public FeaturePartitioner create(Options options, ComponentContext context) {\n"
                + "    throw new UnsupportedOperationException(\"listing-only test plugin\");\n"
                + "  }\n"
                + "}\n";
        return jar(dist, jar, Map.of(pkg + ".StripesPlugin", plugin, pkg + ".StripesFactory", factory),
                Map.of(SERVICES, pkg + ".StripesPlugin\n"));
    }

    static Path jar(Path dist, Path jar, Map<String, String> sources, Map<String, String> entries) throws IOException {
        Path work = Files.createTempDirectory("hdkd-it-plugin");
        try {
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17",
                    "-classpath", libClasspath(dist)));
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path file = work.resolve("src").resolve(e.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                args.add(file.toString());
            }
            java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
            int rc = ToolProvider.getSystemJavaCompiler().run(null, OutputStream.nullOutputStream(),
                    new PrintStream(log, true, StandardCharsets.UTF_8), args.toArray(new String[0]));
            if (rc != 0) {
                throw new IllegalStateException("test plugin does not compile:\n" + log.toString(StandardCharsets.UTF_8));
            }
            Files.createDirectories(jar.toAbsolutePath().getParent());
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
                for (Map.Entry<String, String> e : entries.entrySet()) {
                    out.putNextEntry(new JarEntry(e.getKey()));
                    out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            }
            return jar;
        } finally {
            try (Stream<Path> all = Files.walk(work)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The api jar and what it needs (DJL api, Guice) from the distribution's lib/. */
    private static String libClasspath(Path dist) throws IOException {
        try (Stream<Path> jars = Files.list(dist.resolve("lib"))) {
            List<String> wanted = jars.map(Path::toString)
                    .filter(p -> p.contains("hdkd-api-") || p.contains("guice-") || p.contains("/api-")
                            || p.contains("jakarta.inject") || p.contains("aopalliance") || p.contains("guava-"))
                    .sorted().toList();
            if (wanted.stream().noneMatch(p -> p.contains("hdkd-api-"))) {
                throw new IllegalStateException("no hdkd-api jar in " + dist.resolve("lib"));
            }
            return String.join(File.pathSeparator, wanted);
        }
    }
}
