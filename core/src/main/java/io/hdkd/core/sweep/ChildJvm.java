package io.hdkd.core.sweep;

import io.hdkd.core.engine.OneDnnIsa;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a sweep starts {@code hdkd} again as a child process, the way {@code bin/hdkd} started this one: the same
 * {@code java}, class path and heap limit, the {@code hdkd.*} and {@code ai.djl.*} system properties of this JVM
 * (plugins folder, home, offline mode), headless AWT, and this process's environment (which carries
 * {@code ONEDNN_MAX_CPU_ISA} as bin/hdkd decided it; when absent, e.g. hdkd embedded, the child gets this machine's
 * cached decision, or {@code AVX} if none: see {@link OneDnnIsa}).
 */
public final class ChildJvm {

    private static final String MAIN = "io.hdkd.core.cli.Main";
    private static final List<String> FORWARDED_PREFIXES = List.of("hdkd.", "ai.djl.");

    private ChildJvm() {}

    /** The command that runs {@code Main} with {@code args} in a new JVM. */
    public static List<String> command(List<String> args) {
        return command(MAIN, List.of(), args);
    }

    /** The command that runs {@code mainClass} with {@code args} in a new JVM, with extra JVM options. */
    public static List<String> command(String mainClass, List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // the heap limits only: debugger or agent flags of this JVM must not be repeated in every child
            if (arg.startsWith("-Xmx") || arg.startsWith("-Xms") || arg.startsWith("-XX:MaxRAMPercentage")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.add("-Djava.awt.headless=true");
        for (Map.Entry<String, String> p : forwardedProperties(System.getProperties()).entrySet()) {
            cmd.add("-D" + p.getKey() + "=" + p.getValue());
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** The system properties a child gets: {@code hdkd.*} and {@code ai.djl.*}, sorted by name. */
    static Map<String, String> forwardedProperties(Properties properties) {
        Map<String, String> out = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (FORWARDED_PREFIXES.stream().anyMatch(name::startsWith)) {
                out.put(name, properties.getProperty(name));
            }
        }
        return out;
    }

    /** A process builder for {@link #command}, with the environment bin/hdkd sets. */
    public static ProcessBuilder builder(List<String> args) {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        pb.environment().put(OneDnnIsa.ENV, OneDnnIsa.forChildren(pb.environment()));
        pb.environment().putIfAbsent("OPT_OUT_TRACKING", "true");
        return pb;
    }
}
