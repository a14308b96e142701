package io.hdkd.core.launch;

import com.google.gson.JsonObject;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.sweep.ChildJvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Runs the tasks here, one after another, each in its own child JVM ({@link ChildJvm}), so a crash loses one run. */
public final class LocalLauncher implements Launcher {

    static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    @Override
    public String name() {
        return "local";
    }

    @Override
    public boolean detached() {
        return false;
    }

    @Override
    public Map<String, TaskState> view(LaunchBatch batch) {
        return Map.of(); // nothing runs when no launcher call is under way
    }

    /**
     * The process that runs {@code task}: ChildJvm's command and environment, with PyTorch's intra-op threads pinned
     * to {@code threads} (a {@code -D} after the forwarded properties, so it wins over an inherited one).
     */
    public static ProcessBuilder command(LaunchTask task, int threads) {
        ProcessBuilder pb = ChildJvm.builder(task.args());
        List<String> cmd = new ArrayList<>(pb.command());
        int cp = cmd.indexOf("-cp");
        cmd.add(cp < 0 ? 1 : cp, "-D" + THREADS_PROPERTY + "=" + threads);
        return pb.command(cmd);
    }

    @Override
    public void start(LaunchBatch batch, List<LaunchTask> tasks, PrintWriter progress) {
        for (int i = 0; i < tasks.size(); i++) {
            LaunchTask task = tasks.get(i);
            String prefix = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, tasks.size(), task.name());
            progress.println(prefix + ": running");
            progress.flush();
            Result r = run(batch, task);
            progress.println(r.ok()
                    ? String.format(Locale.ROOT, "%s: done in %.1f s", prefix, r.seconds())
                    : String.format(Locale.ROOT, "%s: FAILED (exit %d): %s (log: %s)", prefix, r.exit(),
                            Launches.lastLine(batch.log(task)), batch.log(task)));
            progress.flush();
        }
    }

    private record Result(int exit, boolean ok, double seconds) {}

    private static Result run(LaunchBatch batch, LaunchTask task) {
        Path log = batch.log(task);
        long start = System.nanoTime();
        int exit;
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(batch.status(task));
            Process process = command(task, batch.threads()).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            // an interrupted sweep (Ctrl-C) must not leave its child training in the background
            Thread killer = new Thread(process::destroyForcibly);
            Runtime.getRuntime().addShutdownHook(killer);
            try {
                exit = process.waitFor();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(killer);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook runs anyway
                }
            }
        } catch (IOException e) {
            exit = -1;
            try {
                Files.writeString(log, "hdkd: failed: cannot start a child JVM: " + e.getMessage() + "\n");
            } catch (IOException ignored) {
                // the status below still says it failed
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + task.name(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean ok = exit == 0 && Launches.finished(batch, task);
        JsonObject status = new JsonObject();
        status.addProperty("run", task.name());
        status.addProperty("exit", exit);
        status.addProperty("ok", ok);
        status.addProperty("seconds", seconds);
        status.addProperty("launcher", "local");
        AtomicFiles.writeString(batch.status(task), status + "\n");
        return new Result(exit, ok, seconds);
    }
}
