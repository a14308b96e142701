package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Utils;
import io.hdkd.core.plugin.EngineStartup;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd doctor}: what this installation runs on: Java, the engines DJL finds (PyTorch for training, ONNX
 * Runtime for frozen teachers) with versions, GPUs and threads, the plugins folder and DJL's cache folder. Exits 1
 * with one line if an engine's native library cannot be loaded.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show Java, the DJL engines (versions, devices, threads), the plugins folder and DJL's cache.")
public final class DoctorCommand implements Callable<Integer> {

    static final List<String> ENGINES = List.of("PyTorch", "OnnxRuntime");

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

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

        EngineStartup.initialise();
        rows.add(row("default engine", Engine.getDefaultEngineName()));
        String failure = null;
        for (String name : ENGINES) {
            try {
                Engine engine = Engine.getEngine(name);
                rows.add(row("engine " + name, engine.getVersion() + ", devices: cpu + " + engine.getGpuCount()
                        + " GPU(s)" + threads(name)));
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
