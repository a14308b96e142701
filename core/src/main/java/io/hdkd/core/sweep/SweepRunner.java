package io.hdkd.core.sweep;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.launch.LaunchBatch;
import io.hdkd.core.launch.LaunchTask;
import io.hdkd.core.launch.Launcher;
import io.hdkd.core.launch.Launches;
import io.hdkd.core.launch.LocalLauncher;
import io.hdkd.core.launch.TaskState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Runs a sweep: every grid point times every seed, each as its own child JVM ({@link ChildJvm}) running
 * {@code hdkd train|distill --config FILE --set ... --set run.seed=N --out DIR/<run> --resume-or-start}, so a crash
 * loses that run only; started by a {@link Launcher}: here one after another, or as a Slurm job array. Resumable: a
 * run whose status file says it finished (and whose folder holds its {@code eval.jsonl}) is skipped; a run that
 * failed or was interrupted is started again and continues from its last checkpoint.
 *
 * <pre>
 * DIR/sweep.properties          the sweep's config file, command and base overrides (a re-run must match them)
 * DIR/&lt;run&gt;/                   each run's folder, as train/distill writes it
 * DIR/logs/&lt;run&gt;.log            each child's stdout and stderr
 * DIR/status/&lt;run&gt;.json         each finished child's exit code and wall time
 * DIR/slurm/                    with --launcher slurm: job scripts, submission records, Slurm's own output
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

    /**
     * Where a sweep stands after a call of {@link #run(Launcher, boolean, Duration)}.
     *
     * @param states each run's state, in {@link Plan#runs()} order
     * @param outcomes once every run has ended, each run's outcome (and the table is written); else empty
     */
    public record Result(List<SweepRun> runs, List<TaskState> states, List<SweepOutcome> outcomes) {

        public boolean ended() {
            return Launches.allEnded(states);
        }
    }

    private final Plan plan;
    private final PrintWriter progress;
    private final int threads;

    /**
     * @param progress where one line per run goes (stderr for the command line)
     * @param threads the PyTorch threads every run is pinned to
     */
    public SweepRunner(Plan plan, PrintWriter progress, int threads) {
        this.plan = plan;
        this.progress = progress;
        this.threads = threads;
    }

    /** Runs (or skips) every run here, one after another, then writes the ranked table; each run's outcome. */
    public List<SweepOutcome> run() {
        return run(new LocalLauncher(), true, Duration.ofSeconds(1)).outcomes();
    }

    /**
     * Starts every run not finished yet (a failed or interrupted one resumes from its last checkpoint) with
     * {@code launcher}; with a detached launcher (a scheduler) returns at once unless {@code wait}. Once every run
     * has ended, writes the ranked table.
     */
    public Result run(Launcher launcher, boolean wait, Duration poll) {
        checkManifest();
        LaunchBatch batch = batch();
        List<TaskState> states = Launches.run(batch, launcher, wait, poll, progress);
        List<SweepRun> runs = plan.runs();
        if (!Launches.allEnded(states)) {
            return new Result(runs, states, List.of());
        }
        List<SweepOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            LaunchTask task = batch.tasks().get(i);
            boolean done = states.get(i).state() == TaskState.State.DONE;
            outcomes.add(new SweepOutcome(runs.get(i), done ? SweepOutcome.Status.DONE : SweepOutcome.Status.FAILED,
                    done ? 0 : 1, Launches.seconds(batch, task), batch.log(task), states.get(i).detail()));
        }
        SweepTable.of(plan.grid(), outcomes, plan.out()).write(plan.out());
        return new Result(runs, states, outcomes);
    }

    /** The sweep as a launcher's batch: run i of {@link Plan#runs()} is task i (a Slurm array index). */
    public LaunchBatch batch() {
        List<SweepRun> runs = plan.runs();
        List<LaunchTask> tasks = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            tasks.add(new LaunchTask(i, runs.get(i).name(), childArgs(runs.get(i))));
        }
        return new LaunchBatch(plan.out(), tasks, threads);
    }

    /** The arguments of the child for {@code run} (without the JVM part). */
    List<String> childArgs(SweepRun run) {
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
        args.add(plan.out().resolve(run.name()).toString());
        // a run killed before (a crashed local sweep, a Slurm job past its time limit) continues from its checkpoint
        args.add("--resume-or-start");
        return args;
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
}
