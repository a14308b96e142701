package io.hdkd.core.launch;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.hdkd.core.run.RunFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What every launcher shares: each run's state (from the launcher's view and the run folders), which runs to start
 * (missing or failed ones; a finished or queued run is never started twice), and waiting for a scheduler's runs.
 */
public final class Launches {

    private static final Gson GSON = new Gson();

    private Launches() {}

    /** True if the run's folder holds its evaluations (what a finished train/distill leaves). */
    public static boolean finished(LaunchBatch batch, LaunchTask task) {
        return RunFolder.at(batch.runDir(task)).hasEvaluations();
    }

    /**
     * Each run's state, in task order. The launcher is asked first, then the files are read: a run that ends in
     * between is then seen as ended with its status, never as ended without one.
     */
    public static List<TaskState> states(LaunchBatch batch, Launcher launcher) {
        Map<String, TaskState> view = launcher.view(batch);
        List<TaskState> states = new ArrayList<>();
        for (LaunchTask task : batch.tasks()) {
            TaskState held = view.get(task.name());
            if (held != null && !held.state().ended()) {
                states.add(held);
                continue;
            }
            JsonObject status = readStatus(batch.status(task));
            if (status != null) {
                boolean ok = status.has("ok") && status.get("ok").getAsBoolean();
                int exit = status.has("exit") ? status.get("exit").getAsInt() : -1;
                if (ok && finished(batch, task)) {
                    states.add(TaskState.of(TaskState.State.DONE));
                } else {
                    states.add(new TaskState(TaskState.State.FAILED, exit == 0
                            ? "exit 0 but no " + RunFolder.EVALUATIONS + " written"
                            : "exit " + exit + ": " + lastLine(batch.log(task))));
                }
            } else if (held != null) {
                states.add(held); // the launcher's word on how it ended (killed)
            } else if (Files.exists(batch.runDir(task))) {
                states.add(new TaskState(TaskState.State.FAILED, "interrupted (a folder but no status)"));
            } else {
                states.add(TaskState.of(TaskState.State.MISSING));
            }
        }
        return states;
    }

    /**
     * Starts the missing and failed runs (failed ones resume from their last checkpoint), then, if the launcher is
     * detached and {@code wait}, polls until every run has ended. Returns the states at the end.
     *
     * @param progress where the runs started and the waiting progress go (stderr)
     */
    public static List<TaskState> run(LaunchBatch batch, Launcher launcher, boolean wait, Duration poll,
            PrintWriter progress) {
        List<TaskState> states = states(batch, launcher);
        List<LaunchTask> toStart = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            TaskState.State s = states.get(i).state();
            if (s == TaskState.State.MISSING || s == TaskState.State.FAILED) {
                toStart.add(batch.tasks().get(i));
                if (s == TaskState.State.FAILED && launcher.detached()) {
                    progress.println(batch.tasks().get(i).name() + ": failed (" + states.get(i).detail()
                            + "); submitting it again, to resume from its last checkpoint");
                }
            } else if (s == TaskState.State.DONE) {
                if (!launcher.detached()) {
                    progress.println(batch.tasks().get(i).name() + ": done before, skipped");
                }
            }
        }
        progress.flush();
        if (!toStart.isEmpty()) {
            launcher.start(batch, toStart, progress);
            states = states(batch, launcher);
        }
        if (launcher.detached() && wait) {
            String last = "";
            long started = System.nanoTime();
            while (!allEnded(states)) {
                String line = bar(states) + String.format(Locale.ROOT, " (%.0f s)",
                        (System.nanoTime() - started) / 1e9);
                String key = bar(states);
                if (!key.equals(last)) {
                    progress.println(line);
                    progress.flush();
                    last = key;
                }
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + batch.dir(), e);
                }
                states = states(batch, launcher);
            }
            progress.println(bar(states));
            progress.flush();
        }
        return states;
    }

    public static boolean allEnded(List<TaskState> states) {
        return states.stream().allMatch(s -> s.state().ended());
    }

    /** How many runs are in each state, e.g. {@code 2 done, 1 running, 1 pending}. */
    public static String counts(List<TaskState> states) {
        Map<TaskState.State, Long> n = new EnumMap<>(TaskState.State.class);
        states.forEach(s -> n.merge(s.state(), 1L, Long::sum));
        return List.of(TaskState.State.DONE, TaskState.State.RUNNING, TaskState.State.PENDING,
                TaskState.State.FAILED, TaskState.State.MISSING).stream()
                .filter(s -> n.containsKey(s) || s == TaskState.State.DONE)
                .map(s -> n.getOrDefault(s, 0L) + " " + s.label()).collect(Collectors.joining(", "));
    }

    /** A text progress bar: the share of ended runs, then the counts. */
    static String bar(List<TaskState> states) {
        long done = states.stream().filter(s -> s.state().ended()).count();
        int width = 20;
        int filled = states.isEmpty() ? width : (int) (width * done / states.size());
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + states.size() + " ended: "
                + counts(states);
    }

    private static JsonObject readStatus(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), JsonObject.class);
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: as if absent
        }
    }

    /** The wall time a run's status file records, 0 if none. */
    public static double seconds(LaunchBatch batch, LaunchTask task) {
        JsonObject status = readStatus(batch.status(task));
        return status != null && status.has("seconds") ? status.get("seconds").getAsDouble() : 0;
    }

    /** The last non-blank line of a log (a failed hdkd prints its one-line error last). */
    public static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
            return "(no output)";
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
