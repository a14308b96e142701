package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.launch.Launcher;
import io.hdkd.core.launch.LocalLauncher;
import io.hdkd.core.launch.SlurmLauncher;
import io.hdkd.core.launch.SlurmOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * {@code --launcher local|slurm [--threads N] [--wait] [--slurm-*]}: what starts the runs of {@code hdkd sweep} and
 * {@code hdkd distill --ratios} (see docs/SCALING.md).
 */
final class LauncherOptions {

    @Option(names = "--launcher", paramLabel = "local|slurm",
            description = "Who starts the runs: local (here, one after another) or slurm (one job array, one array "
                    + "task per run; DIR must be on a file system every node sees). Default: slurm for a folder "
                    + "whose runs were submitted to Slurm, else local.")
    String launcher;

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch threads of every run, pinned so a run "
            + "gives the same result wherever it runs (default: ai.djl.pytorch.num_threads if set, else "
            + "--slurm-cpus-per-task, else this machine's CPUs).")
    Integer threads;

    @Option(names = "--wait", description = "With --launcher slurm: wait for every run to end (a progress line as "
            + "they do), then write the tables. Without it, submit and report, and return at once.")
    boolean waitForRuns;

    @Option(names = "--slurm-partition", paramLabel = "NAME", description = "sbatch --partition.")
    String partition;

    @Option(names = "--slurm-account", paramLabel = "NAME", description = "sbatch --account.")
    String account;

    @Option(names = "--slurm-time", paramLabel = "LIMIT", description = "sbatch --time per run, e.g. 30, 2:00:00.")
    String time;

    @Option(names = "--slurm-cpus-per-task", paramLabel = "N", description = "sbatch --cpus-per-task (default: "
            + "the runs' --threads).")
    Integer cpusPerTask;

    @Option(names = "--slurm-mem", paramLabel = "SIZE", description = "sbatch --mem per run, e.g. 4G.")
    String memory;

    @Option(names = "--slurm-gpus", paramLabel = "N", description = "sbatch --gpus-per-task (needs a GPU build of "
            + "the PyTorch engine; the distribution bundles the CPU one).")
    Integer gpus;

    @Option(names = "--slurm-sbatch-arg", paramLabel = "ARG", description = "One more sbatch argument, written "
            + "with '=', e.g. --slurm-sbatch-arg=--qos=low (repeatable; given on sbatch's command line, so it wins "
            + "over the script's).")
    List<String> sbatchArgs = new ArrayList<>();

    @Option(names = "--slurm-poll", paramLabel = "SECONDS", defaultValue = "10",
            description = "With --wait: seconds between two looks at the queue (default: ${DEFAULT-VALUE}).")
    int poll;

    /** True if the runs of {@code dir} go to Slurm: --launcher slurm, or no --launcher and a Slurm folder. */
    boolean slurm(Path dir) {
        return choice(dir).equals("slurm");
    }

    private String choice(Path dir) {
        boolean submitted = SlurmLauncher.hasSubmissions(dir);
        if (launcher == null) {
            return submitted ? "slurm" : "local";
        }
        if (!launcher.equals("local") && !launcher.equals("slurm")) {
            throw new InvalidInputException("--launcher must be local or slurm, got '" + launcher + "'");
        }
        if (launcher.equals("local") && submitted) {
            throw new InvalidInputException(dir + " holds runs submitted to Slurm (" + dir.resolve("slurm")
                    + "); follow them with --launcher slurm (or without --launcher), not locally");
        }
        return launcher;
    }

    private boolean slurmOptionsGiven() {
        return partition != null || account != null || time != null || cpusPerTask != null || memory != null
                || gpus != null || !sbatchArgs.isEmpty();
    }

    /**
     * The launcher for the runs of {@code dir}; --slurm-* options without Slurm are an error. With Slurm, the options
     * are kept in DIR/slurm/options.properties, and a later call takes from there what it does not give itself (a
     * resubmission goes where the first submission went, with the same threads).
     */
    Launcher launcher(Path dir) {
        if (!slurm(dir)) {
            if (slurmOptionsGiven()) {
                throw new InvalidInputException("--slurm-* options need --launcher slurm");
            }
            return new LocalLauncher();
        }
        Path stored = dir.toAbsolutePath().normalize().resolve(SlurmOptions.STORED);
        if (Files.isRegularFile(stored)) {
            // what this call does not say, the earlier submissions did
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(stored, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + stored + ": " + e.getMessage(), e);
            }
            partition = partition != null ? partition : p.getProperty("partition");
            account = account != null ? account : p.getProperty("account");
            time = time != null ? time : p.getProperty("time");
            memory = memory != null ? memory : p.getProperty("mem");
            cpusPerTask = cpusPerTask != null ? cpusPerTask : integer(p, "cpus-per-task");
            gpus = gpus != null ? gpus : integer(p, "gpus");
            threads = threads != null ? threads : integer(p, "threads");
            if (sbatchArgs.isEmpty() && !p.getProperty("sbatch-args", "").isEmpty()) {
                sbatchArgs = List.of(p.getProperty("sbatch-args").split("\u0001"));
            }
        }
        SlurmOptions options = slurmOptions();
        return SlurmLauncher.system(options);
    }

    private static Integer integer(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null ? null : Integer.valueOf(v.strip());
    }

    SlurmOptions slurmOptions() {
        return new SlurmOptions(partition, account, time, cpusPerTask, memory, gpus, sbatchArgs, poll);
    }

    Duration poll() {
        return Duration.ofSeconds(Math.max(1, poll));
    }

    /** The PyTorch threads each run is pinned to. */
    int threads() {
        if (threads != null) {
            if (threads < 1) {
                throw new InvalidInputException("--threads must be >= 1, got " + threads);
            }
            return threads;
        }
        String inherited = System.getProperty("ai.djl.pytorch.num_threads");
        if (inherited != null) {
            try {
                int n = Integer.parseInt(inherited.strip());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // not a count: fall through to the defaults
            }
        }
        if (cpusPerTask != null) {
            return cpusPerTask;
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
