package io.hdkd.core.sweep;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.report.MetricsLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Runs a sweep: every grid point times every seed, one after another, each as its own child JVM
 * ({@link ChildJvm}) running {@code hdkd train|distill --config FILE --set ... --set run.seed=N --out DIR/<run>}, so a
 * crash loses that run only. Resumable: a run whose status file says it finished (and whose folder holds its
 * {@code eval.jsonl}) is skipped; a run that failed or was interrupted starts again from scratch ({@code --force}).
 *
 * <pre>
 * DIR/sweep.properties          the sweep's config file, command and base overrides (a re-run must match them)
 * DIR/&lt;run&gt;/                   each run's folder, as train/distill writes it
 * DIR/logs/&lt;run&gt;.log            each child's stdout and stderr
 * DIR/status/&lt;run&gt;.json         each finished child's exit code and wall time
 * DIR/results.csv, results.html the ranked table ({@link SweepTable})
 * </pre>
 */
public final class SweepRunner {

    /** What to sweep. Seeds are 1..{@code seeds}; {@code pluginsDir} may be null (the child's default). */
    public record Plan(String command, Path config, List<String> sets, SweepGrid grid, int seeds, Path out,
            Path pluginsDir) {

        public Plan {
            sets = List.copyOf(sets);
            config = config.toAbsolutePath().normalize();
            out = out.toAbsolutePath().normalize();
            if (!command.equals("train") && !command.equals("distill")) {
                throw new InvalidInputException("--command must be train or distill, got '" + command + "'");
            }
            if (seeds < 1) {
                throw new InvalidInputException("--seeds must be >= 1, got " + seeds);
            }
            if (!Files.isRegularFile(config)) {
                throw new InvalidInputException("--config " + config + ": no such file");
            }
        }

        /** The runs in order: grid points (first key slowest), then seeds. */
        public List<SweepRun> runs() {
            List<SweepRun> runs = new ArrayList<>();
            for (Map<String, String> point : grid.points()) {
                for (int seed = 1; seed <= seeds; seed++) {
                    runs.add(new SweepRun(point, seed));
                }
            }
            return runs;
        }
    }

    static final String MANIFEST = "sweep.properties";
    private static final Gson GSON = new Gson();

    private final Plan plan;
    private final PrintWriter progress;

    /** @param progress where one line per run goes (stderr for the command line) */
    public SweepRunner(Plan plan, PrintWriter progress) {
        this.plan = plan;
        this.progress = progress;
    }

    /** Runs (or skips) every run, then writes the ranked table; returns each run's outcome, in order. */
    public List<SweepOutcome> run() {
        checkManifest();
        List<SweepRun> runs = plan.runs();
        List<SweepOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            SweepRun run = runs.get(i);
            String prefix = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, runs.size(), run.name());
            SweepOutcome outcome;
            if (completed(run)) {
                outcome = new SweepOutcome(run, SweepOutcome.Status.SKIPPED, 0, 0, log(run), "");
                progress.println(prefix + ": done before, skipped");
            } else {
                progress.println(prefix + ": running");
                progress.flush();
                outcome = launch(run);
                progress.println(outcome.succeeded()
                        ? String.format(Locale.ROOT, "%s: done in %.1f s", prefix, outcome.seconds())
                        : String.format(Locale.ROOT, "%s: FAILED (exit %d): %s (log: %s)", prefix,
                                outcome.exitCode(), outcome.message(), outcome.log()));
            }
            progress.flush();
            outcomes.add(outcome);
        }
        SweepTable.of(plan.grid(), outcomes, plan.out()).write(plan.out());
        return outcomes;
    }

    /** The arguments of the child for {@code run} (without the JVM part). */
    List<String> childArgs(SweepRun run, boolean restart) {
        List<String> args = new ArrayList<>();
        args.add(plan.command());
        if (plan.pluginsDir() != null) {
            args.add("--plugins-dir");
            args.add(plan.pluginsDir().toAbsolutePath().toString());
        }
        args.add("--config");
        args.add(plan.config().toString());
        for (String s : plan.sets()) {
            args.add("--set");
            args.add(s);
        }
        run.setting().forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        args.add("--set");
        args.add("run.seed=" + run.seed());
        args.add("--out");
        args.add(runDir(run).toString());
        if (restart) {
            args.add("--force");
        }
        return args;
    }

    private SweepOutcome launch(SweepRun run) {
        Path log = log(run);
        boolean restart = Files.exists(runDir(run));
        ProcessBuilder pb = ChildJvm.builder(childArgs(run, restart)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        long start = System.nanoTime();
        int exit;
        try {
            Files.createDirectories(log.getParent());
            Process process = pb.start();
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
            return new SweepOutcome(run, SweepOutcome.Status.FAILED, -1, 0, log,
                    "cannot start a child JVM: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted during " + run.name(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean ok = exit == 0 && Files.isRegularFile(runDir(run).resolve(MetricsLog.EVALS));
        String message = ok ? "" : exit == 0 ? "no " + MetricsLog.EVALS + " written" : lastLine(log);
        JsonObject status = new JsonObject();
        status.addProperty("run", run.name());
        status.addProperty("setting", run.settingLabel());
        status.addProperty("seed", run.seed());
        status.addProperty("exit", exit);
        status.addProperty("ok", ok);
        status.addProperty("seconds", seconds);
        AtomicFiles.writeString(statusFile(run), GSON.toJson(status) + "\n");
        return new SweepOutcome(run, ok ? SweepOutcome.Status.DONE : SweepOutcome.Status.FAILED, exit, seconds, log,
                message);
    }

    /** True if an earlier invocation finished {@code run} and its folder still holds its evaluations. */
    boolean completed(SweepRun run) {
        Path status = statusFile(run);
        if (!Files.isRegularFile(status) || !Files.isRegularFile(runDir(run).resolve(MetricsLog.EVALS))) {
            return false;
        }
        try {
            JsonObject o = GSON.fromJson(Files.readString(status), JsonObject.class);
            return o != null && o.has("ok") && o.get("ok").getAsBoolean();
        } catch (IOException | RuntimeException e) {
            return false; // an unreadable status file: run it again
        }
    }

    /**
     * Writes the manifest on the first invocation; on later ones, refuses a different config file, command or base
     * overrides (runs of two different sweeps would be mixed in one table). Grid values and seeds may be added.
     */
    private void checkManifest() {
        Map<String, String> expected = new TreeMap<>();
        expected.put("command", plan.command());
        expected.put("config", plan.config().toString());
        expected.put("sets", String.join("\n", plan.sets()));
        Path manifest = plan.out().resolve(MANIFEST);
        if (Files.isRegularFile(manifest)) {
            Properties p = new Properties();
            try (var reader = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
                p.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + manifest + ": " + e.getMessage(), e);
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String found = p.getProperty(e.getKey(), "");
                if (!found.equals(e.getValue())) {
                    throw new InvalidInputException(plan.out() + " holds another sweep: its " + e.getKey() + " is '"
                            + found.replace("\n", " ") + "', not '" + e.getValue().replace("\n", " ")
                            + "'; use another --out");
                }
            }
            return;
        }
        Properties p = new Properties();
        expected.forEach(p::setProperty);
        AtomicFiles.write(manifest, out -> p.store(out, "hdkd sweep"));
    }

    private Path runDir(SweepRun run) {
        return plan.out().resolve(run.name());
    }

    private Path log(SweepRun run) {
        return plan.out().resolve("logs").resolve(run.name() + ".log");
    }

    private Path statusFile(SweepRun run) {
        return plan.out().resolve("status").resolve(run.name() + ".json");
    }

    /** The last non-blank line of a log (a failed hdkd prints its one-line error last). */
    static String lastLine(Path log) {
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
