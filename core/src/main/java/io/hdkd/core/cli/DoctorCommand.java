package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Utils;
import io.hdkd.core.engine.MachineKey;
import io.hdkd.core.engine.OneDnnIsa;
import io.hdkd.core.plugin.EngineStartup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd doctor}: what this installation runs on: Java, the engines DJL finds (PyTorch for training, ONNX
 * Runtime for frozen teachers) with versions, libtorch's flavour, devices and threads, oneDNN's instruction set (this
 * process's, and the machine's decision with its reason, see {@link OneDnnIsa}), the plugins folder and DJL's cache
 * folder. {@code --recheck} runs the oneDNN kernel check again first. Exits 1 with one line if an engine's native
 * library cannot be loaded.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show Java, the DJL engines (versions, libtorch flavour, devices, threads), oneDNN's instruction "
                + "set and why, the plugins folder and DJL's cache.")
public final class DoctorCommand implements Callable<Integer> {

    static final List<String> ENGINES = List.of("PyTorch", "OnnxRuntime");

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--recheck", description = "Run the oneDNN kernel check again (as 'hdkd isa-check --recheck') "
            + "and cache its decision; it applies to hdkd commands started afterwards.")
    boolean recheck;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String[]> rows = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        rows.add(row("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                + rt.availableProcessors() + " processors, max heap "
                + String.format(Locale.ROOT, "%.1f GiB", rt.maxMemory() / (1024.0 * 1024 * 1024))));
        rows.add(row("hdkd", new VersionProvider().getVersion()[0]));
        rows.add(row("plugins dir", pluginsDir()));
        rows.add(row("djl", Engine.getDjlVersion() + ", offline=" + System.getProperty("ai.djl.offline")));
        rows.add(row("djl cache", Utils.getCacheDir() + " (engines: " + Utils.getEngineCacheDir() + ")"));

        MachineKey key = MachineKey.current();
        rows.add(row("machine", key.cpuModel() + ", " + key.cores() + " processors"));
        rows.add(row("libtorch", key.libtorch() + " (flavour-version; PYTORCH_FLAVOR/PYTORCH_VERSION/"
                + "PYTORCH_LIBRARY_PATH pick another, docs/GPU.md)"));
        OneDnnIsa.Decision decision = recheck
                ? IsaCheckCommand.decide(true, spec.commandLine().getErr())
                : OneDnnIsa.current(System.getenv(), key, this::warnUnlessBinHdkdDid);
        rows.add(row("onednn isa", thisProcess()));
        rows.add(row("onednn decision", decision.isa() + " (" + IsaCheckCommand.describe(decision) + ")"));
        rows.add(row("allocator", allocator(System.getenv(), Path.of("/proc/self/maps"))));

        EngineStartup.initialise();
        rows.add(row("default engine", Engine.getDefaultEngineName()));
        String failure = null;
        for (String name : ENGINES) {
            try {
                Engine engine = Engine.getEngine(name);
                rows.add(row("engine " + name, engine.getVersion() + ", devices: " + devices(engine) + " ("
                        + engine.getGpuCount() + " GPU(s))" + threads(name)));
            } catch (RuntimeException | LinkageError e) {
                rows.add(row("engine " + name, "NOT AVAILABLE"));
                if (failure == null) {
                    failure = "cannot load the " + name + " engine's native library (" + oneLine(e) + ")";
                }
            }
        }
        rows.add(row("threads", "intra-op " + prop("ai.djl.pytorch.num_threads") + ", inter-op "
                + prop("ai.djl.pytorch.num_interop_threads") + " (system properties; 'default' = engine's choice)"));
        Table.print(out, rows, "");
        out.flush();
        if (failure != null) {
            throw new EngineStartup.EngineUnavailableException(failure, null);
        }
        return ExitCodes.OK;
    }

    private String pluginsDir() {
        try {
            Path dir = PluginHost.pluginsDir(spec);
            return dir.toAbsolutePath() + (Files.isDirectory(dir) ? "" : " (MISSING)");
        } catch (RuntimeException e) {
            return "(not set: pass --plugins-dir or -D" + HdkdCommand.PLUGINS_DIR_PROPERTY + ")";
        }
    }

    /** bin/hdkd has already warned about a decision file it ignored: say it once. */
    private void warnUnlessBinHdkdDid(String warning) {
        if (System.getenv(OneDnnIsa.SOURCE_ENV) == null) {
            spec.commandLine().getErr().println("hdkd: warning: " + warning);
        }
    }

    /** This process's ONEDNN_MAX_CPU_ISA (oneDNN read it when the process started) and who set it. */
    static String thisProcess() {
        String v = System.getenv(OneDnnIsa.ENV);
        String source = System.getenv(OneDnnIsa.SOURCE_ENV);
        if (v == null || v.isEmpty()) {
            return "unset in this process: oneDNN uses every instruction set the CPU has (not started by bin/hdkd?)";
        }
        String why = source == null ? "set outside bin/hdkd" : switch (source) {
            case "user" -> "set by you";
            case "cache" -> "bin/hdkd, from this machine's decision file";
            case "check" -> "bin/hdkd, from the check it ran just before";
            case "default" -> "bin/hdkd's default: no usable decision cached for this machine";
            default -> "bin/hdkd, source '" + source + "'";
        };
        return OneDnnIsa.ENV + "=" + v + " in this process (" + why + ")";
    }

    /**
     * The native allocator of this process, as loaded (a libjemalloc mapped into it, else the C library's malloc) with
     * its settings, and who chose it: bin/hdkd exports HDKD_MALLOC_USED (docs/DJL.md, "The allocator").
     */
    static String allocator(Map<String, String> env, Path maps) {
        String jemalloc = null;
        try (var lines = Files.lines(maps)) {
            jemalloc = lines.filter(l -> l.contains("libjemalloc")).map(l -> l.substring(Math.max(0, l.indexOf('/'))))
                    .findFirst().orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return "unknown (" + maps + " unreadable)";
        }
        String loaded = jemalloc != null
                ? "jemalloc " + jemalloc + ", MALLOC_CONF=" + env.getOrDefault("MALLOC_CONF", "(unset: jemalloc's defaults)")
                : "the C library's malloc, GLIBC_TUNABLES=" + env.getOrDefault("GLIBC_TUNABLES", "(unset: defaults)");
        String used = env.get("HDKD_MALLOC_USED");
        String asked = env.get("HDKD_MALLOC");
        String who = used == null ? "not started by bin/hdkd"
                : "bin/hdkd chose " + used + (asked == null ? ", HDKD_MALLOC unset" : " for HDKD_MALLOC=" + asked)
                        + (used.equals("jemalloc") && jemalloc == null ? "; NOT LOADED" : "");
        return loaded + " (" + who + ")";
    }

    private static String devices(Engine engine) {
        List<String> names = new ArrayList<>();
        for (ai.djl.Device d : engine.getDevices()) {
            names.add(d.toString());
        }
        return names.isEmpty() ? "cpu()" : String.join(", ", names);
    }

    private static String threads(String engine) {
        if (!engine.equals("PyTorch")) {
            return "";
        }
        return ", intra-op threads " + JniUtils.getNumThreads() + ", inter-op threads " + JniUtils.getNumInteropThreads();
    }

    private static String prop(String key) {
        String v = System.getProperty(key);
        return v == null ? "default" : v;
    }

    private static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return (t.getClass().getSimpleName() + ": " + t.getMessage()).replaceAll("\\s+", " ");
    }

    private static String[] row(String key, String value) {
        return new String[] {key, value};
    }
}
