package io.hdkd.core.launch;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Submits a batch's runs to Slurm as one job array per submission ({@code sbatch --array}), the array task index
 * being the run's index in the batch. Each submission leaves, in {@code DIR/slurm/}, its script
 * {@code submit-N.sh} and its record {@code submission-N.json} (the job id and which run each array index is), both
 * written atomically; the record is written before sbatch runs and completed with the job id after. A submitter
 * killed between the two leaves a record without a job id: the next call finds the job in {@code squeue --name} by
 * its script's path and adopts it, so the array is never submitted twice. Runs are in flight while squeue lists them;
 * a run whose job left the queue without writing its status was killed (time limit, preemption, scancel) and is
 * submitted again, resuming from its last checkpoint. {@code sacct} is not needed (small clusters often have no
 * accounting).
 */
public final class SlurmLauncher implements Launcher {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    private static final Pattern RECORD = Pattern.compile("submission-(\\d+)\\.json");

    /** A submission: its script, the job id (null until sbatch answered) and array index to run name. */
    record Submission(String script, String job, Map<String, String> tasks) {}

    private final SlurmOptions options;
    private final Commands commands;
    private final Map<String, String> env;

    /**
     * @param env the environment the runs get (what ChildJvm gives a local child beyond this process's own), exported
     *     by the script
     */
    public SlurmLauncher(SlurmOptions options, Commands commands, Map<String, String> env) {
        this.options = options;
        this.commands = commands;
        this.env = Map.copyOf(env);
    }

    /** The launcher for the command line: real processes, ChildJvm's environment additions. */
    public static SlurmLauncher system(SlurmOptions options) {
        Map<String, String> childEnv = new TreeMap<>();
        Map<String, String> mine = System.getenv();
        LocalLauncher.command(new LaunchTask(0, "x", List.of()), 1).environment().forEach((k, v) -> {
            // what ChildJvm adds, and the oneDNN settings runs must share to give the same results (docs/DJL.md),
            // exported even where sbatch is told not to pass the submitter's environment on
            if (!v.equals(mine.get(k)) || k.startsWith("ONEDNN_") || k.equals("OPT_OUT_TRACKING")) {
                childEnv.put(k, v);
            }
        });
        return new SlurmLauncher(options, Commands.system(), childEnv);
    }

    @Override
    public String name() {
        return "slurm";
    }

    @Override
    public boolean detached() {
        return true;
    }

    @Override
    public Map<String, TaskState> view(LaunchBatch batch) {
        List<SqueueEntry> queue = squeue(batch);
        Map<String, TaskState> view = new HashMap<>();
        for (Map.Entry<Integer, Submission> e : adopt(batch, submissions(batch), queue).entrySet()) {
            Submission s = e.getValue();
            for (Map.Entry<String, String> t : s.tasks().entrySet()) {
                SqueueEntry queued = s.job() == null ? null : queue.stream()
                        .filter(q -> q.jobId().equals(s.job()) && q.taskId().equals(t.getKey())).findFirst()
                        .orElse(null);
                TaskState state;
                if (queued != null) {
                    state = new TaskState(queued.taskState(), "job " + s.job() + "_" + t.getKey());
                } else if (s.job() != null) {
                    state = new TaskState(TaskState.State.FAILED, "job " + s.job() + "_" + t.getKey()
                            + " left the queue without writing its status: killed (time limit, preemption, scancel)"
                            + " or failed to start; see " + batch.dir().resolve("slurm") + "/" + s.job() + "_"
                            + t.getKey() + ".out");
                } else {
                    continue; // never confirmed submitted and not queued: missing, unless its folder says more
                }
                TaskState before = view.get(t.getValue());
                if (before == null || before.state().ended()) {
                    view.put(t.getValue(), state); // a later submission of the same run supersedes an ended one
                }
            }
        }
        return view;
    }

    @Override
    public void start(LaunchBatch batch, List<LaunchTask> tasks, PrintWriter progress) {
        // look again right before submitting: a run another submitter has just queued is not submitted twice
        Map<String, TaskState> view = view(batch);
        List<LaunchTask> todo = tasks.stream().filter(t -> {
            TaskState s = view.get(t.name());
            return s == null || s.state().ended();
        }).toList();
        if (todo.isEmpty()) {
            return;
        }
        Path slurmDir = batch.dir().resolve("slurm");
        int n = submissions(batch).keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        Path script = slurmDir.resolve("submit-" + n + ".sh");
        Path record = slurmDir.resolve("submission-" + n + ".json");
        Map<LaunchTask, List<String>> cmds = new LinkedHashMap<>();
        Map<String, String> indexToName = new LinkedHashMap<>();
        for (LaunchTask t : todo) {
            cmds.put(t, LocalLauncher.command(t, batch.threads()).command());
            indexToName.put(Integer.toString(t.index()), t.name());
        }
        AtomicFiles.writeString(script, SlurmScript.of(batch, todo, cmds, env, options));
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            // sbatch reads the script; it need not be executable
        }
        writeRecord(record, new Submission(script.toString(), null, indexToName));
        AtomicFiles.write(batch.dir().resolve(SlurmOptions.STORED), out -> options.toProperties(batch.threads())
                .store(out, "hdkd: the Slurm options of the last submission"));
        List<String> sbatch = new ArrayList<>(List.of("sbatch", "--parsable"));
        sbatch.addAll(options.sbatchArgs());
        sbatch.add(script.toString());
        Commands.Result r;
        try {
            r = commands.run(sbatch, Map.of());
        } catch (IOException e) {
            deleteQuietly(record);
            throw new InvalidInputException("--launcher slurm: cannot run sbatch (" + e.getMessage()
                    + "); is Slurm installed on this machine? Nothing was submitted");
        }
        String job = r.exit() == 0 ? jobId(r.out()) : null;
        if (job == null) {
            // sbatch failed, or answered nothing usable: did the job get in anyway?
            job = squeue(batch).stream().filter(q -> q.command().equals(script.toString())).map(SqueueEntry::jobId)
                    .findFirst().orElse(null);
        }
        if (job == null) {
            deleteQuietly(record);
            throw new InvalidInputException("--launcher slurm: sbatch rejected the job array of " + todo.size()
                    + " run(s): " + r.message() + "; nothing was submitted (script: " + script + ")");
        }
        writeRecord(record, new Submission(script.toString(), job, indexToName));
        progress.println("submitted Slurm job " + job + " (" + batch.jobName() + "), array "
                + SlurmScript.arraySpec(todo) + ": " + SlurmScript.names(todo));
        progress.flush();
    }

    /** The job id sbatch --parsable prints: {@code 1234} or {@code 1234;cluster}; null if there is none. */
    static String jobId(String out) {
        String first = out.strip().split("\n")[0].split(";")[0].strip();
        return first.matches("\\d+") ? first : null;
    }

    /** This batch's jobs in the queue (by job name); Slurm unreachable is bad input, as --launcher slurm is. */
    List<SqueueEntry> squeue(LaunchBatch batch) {
        Commands.Result r;
        List<String> cmd = List.of("squeue", "--noheader", "--array", "--name=" + batch.jobName(),
                "--format=" + SqueueEntry.FORMAT);
        try {
            r = commands.run(cmd, Map.of());
        } catch (IOException e) {
            throw new InvalidInputException("--launcher slurm: cannot run squeue (" + e.getMessage()
                    + "); is Slurm installed on this machine?");
        }
        if (r.exit() != 0) {
            throw new InvalidInputException("--launcher slurm: Slurm does not answer: squeue: " + r.message());
        }
        try {
            return SqueueEntry.parse(r.out());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("squeue: " + e.getMessage(), e);
        }
    }

    /** True if {@code dir} holds a record of a submission to Slurm. */
    public static boolean hasSubmissions(Path dir) {
        Path slurm = dir.toAbsolutePath().normalize().resolve("slurm");
        if (!Files.isDirectory(slurm)) {
            return false;
        }
        try (Stream<Path> files = Files.list(slurm)) {
            return files.anyMatch(f -> RECORD.matcher(f.getFileName().toString()).matches());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + slurm + ": " + e.getMessage(), e);
        }
    }

    /** The submission records, by number. */
    static Map<Integer, Submission> submissions(LaunchBatch batch) {
        Path dir = batch.dir().resolve("slurm");
        Map<Integer, Submission> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Matcher m = RECORD.matcher(f.getFileName().toString());
                if (m.matches()) {
                    Submission s = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), Submission.class);
                    if (s != null && s.tasks() != null) {
                        out.put(Integer.parseInt(m.group(1)), s);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Completes records without a job id whose script squeue lists (a submitter killed after sbatch). */
    private static Map<Integer, Submission> adopt(LaunchBatch batch, Map<Integer, Submission> subs,
            List<SqueueEntry> queue) {
        Map<Integer, Submission> out = new TreeMap<>(subs);
        for (Map.Entry<Integer, Submission> e : subs.entrySet()) {
            Submission s = e.getValue();
            if (s.job() != null) {
                continue;
            }
            queue.stream().filter(q -> q.command().equals(s.script())).map(SqueueEntry::jobId).findFirst()
                    .ifPresent(job -> {
                        Submission adopted = new Submission(s.script(), job, s.tasks());
                        writeRecord(batch.dir().resolve("slurm").resolve("submission-" + e.getKey() + ".json"),
                                adopted);
                        out.put(e.getKey(), adopted);
                    });
        }
        return out;
    }

    private static void writeRecord(Path record, Submission s) {
        AtomicFiles.writeString(record, GSON.toJson(s) + "\n");
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stale record without job id is harmless: no queued job has its script
        }
    }
}
