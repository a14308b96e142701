package io.hdkd.core.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Submission, state and resubmission against a fake Slurm (squeue and sbatch answered from memory). */
class SlurmLauncherTest {

    /** A queue in memory; sbatch queues one PENDING element per index of the script's --array line. */
    static final class FakeSlurm implements Commands {
        final List<List<String>> calls = new ArrayList<>();
        final List<String> queue = new ArrayList<>();
        int nextJob = 100;
        Result sbatchAnswer;
        boolean down;
        boolean noSbatch;

        @Override
        public Result run(List<String> command, Map<String, String> env) throws IOException {
            calls.add(command);
            switch (command.get(0)) {
                case "squeue":
                    return down ? new Result(1, "", "squeue: error: slurm_load_jobs error: Unable to contact slurm "
                            + "controller (connect failure)\n") : new Result(0, String.join("\n", queue) + "\n", "");
                case "sbatch":
                    if (noSbatch) {
                        throw new IOException("Cannot run program \"sbatch\": error=2, No such file or directory");
                    }
                    if (sbatchAnswer != null) {
                        return sbatchAnswer;
                    }
                    String script = command.get(command.size() - 1);
                    String job = Integer.toString(nextJob++);
                    for (int i : indices(Files.readString(Path.of(script)))) {
                        queue.add(job + "|" + i + "|PENDING|" + script);
                    }
                    return new Result(0, job + "\n", "");
                default:
                    throw new IOException("no " + command.get(0));
            }
        }

        long sbatchCalls() {
            return calls.stream().filter(c -> c.get(0).equals("sbatch")).count();
        }

        static List<Integer> indices(String script) {
            String spec = script.lines().filter(l -> l.startsWith("#SBATCH --array=")).findFirst().orElseThrow()
                    .substring("#SBATCH --array=".length());
            List<Integer> out = new ArrayList<>();
            for (String part : spec.split(",")) {
                String[] r = part.split("-");
                for (int i = Integer.parseInt(r[0]); i <= Integer.parseInt(r[r.length - 1]); i++) {
                    out.add(i);
                }
            }
            return out;
        }
    }

    @TempDir
    Path dir;

    final FakeSlurm slurm = new FakeSlurm();
    final StringWriter progress = new StringWriter();

    private LaunchBatch batch() {
        List<LaunchTask> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(new LaunchTask(i, "run" + i, List.of("train", "--out", dir.resolve("sweep/run" + i).toString(),
                    "--resume-or-start")));
        }
        return new LaunchBatch(dir.resolve("sweep"), tasks, 1);
    }

    private SlurmLauncher launcher() {
        return new SlurmLauncher(SlurmOptions.defaults(), slurm, Map.of());
    }

    private List<TaskState.State> run(LaunchBatch batch) {
        return Launches.run(batch, launcher(), false, Duration.ofSeconds(1), new PrintWriter(progress)).stream()
                .map(TaskState::state).toList();
    }

    private static void finish(LaunchBatch batch, int i, int exit) throws IOException {
        LaunchTask t = batch.tasks().get(i);
        Files.createDirectories(batch.runDir(t));
        if (exit == 0) {
            Files.writeString(batch.runDir(t).resolve("eval.jsonl"), "{\"AP\":0.1,\"AP50\":0.2}\n");
        }
        Files.createDirectories(batch.status(t).getParent());
        Files.writeString(batch.status(t), "{\"run\":\"" + t.name() + "\",\"exit\":" + exit + ",\"ok\":" + (exit == 0)
                + ",\"seconds\":3}\n");
        Files.createDirectories(batch.log(t).getParent());
        Files.writeString(batch.log(t), exit == 0 ? "done\n" : "hdkd: error: boom\n");
    }

    @Test
    void submitsOneArrayRecordsItsJobAndNeverSubmitsAQueuedRunTwice() throws Exception {
        LaunchBatch batch = batch();
        assertThat(run(batch)).containsOnly(TaskState.State.PENDING);
        assertThat(slurm.sbatchCalls()).isEqualTo(1);
        Path script = batch.dir().resolve("slurm/submit-1.sh");
        assertThat(slurm.calls).contains(List.of("sbatch", "--parsable", script.toString()));
        // squeue was asked by job name before sbatch ran
        assertThat(slurm.calls.get(0)).containsSubsequence("squeue", "--noheader", "--array",
                "--name=" + batch.jobName());
        assertThat(Files.readString(batch.dir().resolve("slurm/submission-1.json"))).contains("\"job\": \"100\"")
                .contains("\"3\": \"run3\"");

        // again, while queued or running: nothing submitted, states from squeue
        slurm.queue.set(0, "100|0|RUNNING|" + script);
        assertThat(run(batch)).containsExactly(TaskState.State.RUNNING, TaskState.State.PENDING,
                TaskState.State.PENDING, TaskState.State.PENDING);
        assertThat(slurm.sbatchCalls()).isEqualTo(1);
        assertThat(progress.toString()).contains("submitted Slurm job 100 (" + batch.jobName() + "), array 0-3");
    }

    @Test
    void aSubmitterKilledAfterSbatchLeavesARecordThatTheNextCallCompletesWithoutSubmittingAgain() throws Exception {
        LaunchBatch batch = batch();
        Path script = batch.dir().resolve("slurm/submit-1.sh");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/bash\n");
        Files.writeString(batch.dir().resolve("slurm/submission-1.json"), "{\"script\": \"" + script
                + "\", \"tasks\": {\"0\": \"run0\", \"1\": \"run1\", \"2\": \"run2\", \"3\": \"run3\"}}");
        for (int i = 0; i < 4; i++) {
            slurm.queue.add("77|" + i + "|PENDING|" + script);
        }
        assertThat(run(batch)).containsOnly(TaskState.State.PENDING);
        assertThat(slurm.sbatchCalls()).isZero();
        assertThat(Files.readString(batch.dir().resolve("slurm/submission-1.json"))).contains("\"job\": \"77\"");
    }

    @Test
    void resubmitsOnlyKilledFailedAndMissingRunsUnderTheirOwnIndices() throws Exception {
        LaunchBatch batch = batch();
        run(batch); // job 100, array 0-3
        slurm.queue.clear(); // all left the queue:
        finish(batch, 1, 0); // run1 finished
        finish(batch, 2, 2); // run2 failed with exit 2
        // run0 was killed (no status), run3 too
        List<TaskState> seen = Launches.states(batch, launcher());
        assertThat(seen).extracting(TaskState::state).containsExactly(TaskState.State.FAILED, TaskState.State.DONE,
                TaskState.State.FAILED, TaskState.State.FAILED);
        assertThat(seen.get(0).detail()).contains("job 100_0 left the queue without writing its status");
        assertThat(seen.get(2).detail()).isEqualTo("exit 2: hdkd: error: boom");

        assertThat(run(batch)).containsExactly(TaskState.State.PENDING, TaskState.State.DONE,
                TaskState.State.PENDING, TaskState.State.PENDING);
        assertThat(slurm.sbatchCalls()).isEqualTo(2);
        String second = Files.readString(batch.dir().resolve("slurm/submit-2.sh"));
        assertThat(second).contains("#SBATCH --array=0,2-3\n").contains("run=run0").doesNotContain("run=run1");
        assertThat(progress.toString()).contains("run0: failed (job 100_0 left the queue")
                .contains("submitting it again, to resume from its last checkpoint");

        // the resubmitted run0 is killed again: the later submission's word counts
        slurm.queue.removeIf(l -> l.startsWith("101|0|"));
        assertThat(Launches.states(batch, launcher()).get(0).detail()).contains("job 101_0 left the queue");
    }

    @Test
    void aRejectedSubmissionIsOneLineNamingTheCauseAndLeavesNoRecord() {
        LaunchBatch batch = batch();
        slurm.sbatchAnswer = new Commands.Result(1, "", "sbatch: error: invalid partition specified: nope\n"
                + "sbatch: error: Batch job submission failed: Invalid partition name specified\n");
        assertThatThrownBy(() -> run(batch)).isInstanceOf(InvalidInputException.class)
                .hasMessage("--launcher slurm: sbatch rejected the job array of 4 run(s): invalid partition "
                        + "specified: nope; nothing was submitted (script: " + batch.dir().resolve("slurm/submit-1.sh")
                        + ")");
        assertThat(records(batch)).isEmpty();
    }

    @Test
    void slurmUnreachableOrAbsentIsBadInput() {
        LaunchBatch batch = batch();
        slurm.down = true;
        assertThatThrownBy(() -> run(batch)).isInstanceOf(InvalidInputException.class)
                .hasMessage("--launcher slurm: Slurm does not answer: squeue: slurm_load_jobs error: Unable to "
                        + "contact slurm controller (connect failure)");
        slurm.down = false;
        slurm.noSbatch = true;
        assertThatThrownBy(() -> run(batch)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("--launcher slurm: cannot run sbatch (Cannot run program \"sbatch\"")
                .hasMessageEndingWith("is Slurm installed on this machine? Nothing was submitted");
        assertThat(records(batch)).isEmpty();
    }

    @Test
    void parsesSbatchParsableOutput() {
        assertThat(SlurmLauncher.jobId("1234\n")).isEqualTo("1234");
        assertThat(SlurmLauncher.jobId("1234;cluster2\n")).isEqualTo("1234");
        assertThat(SlurmLauncher.jobId("Submitted batch job 12")).isNull();
        assertThat(SlurmLauncher.jobId("")).isNull();
    }

    private static List<String> records(LaunchBatch batch) {
        Path d = batch.dir().resolve("slurm");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("submission-")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
