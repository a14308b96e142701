package io.hdkd.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job array's batch script: its sbatch header, and what one array task does when bash runs it. */
class SlurmScriptTest {

    @TempDir
    Path dir;

    /** Stand-ins for hdkd: one writes its evaluations and exits 0, one fails like hdkd does. */
    private static final String WRITES_EVALS = "mkdir -p \"$0\" && echo '{\"AP\":0.5}' > \"$0/eval.jsonl\" && echo trained";
    private static final String FAILS = "echo 'hdkd: error: train.lr: bad value'; exit 2";

    private String script(LaunchBatch batch, List<LaunchTask> tasks, SlurmOptions options) {
        Map<LaunchTask, List<String>> cmds = new LinkedHashMap<>();
        for (LaunchTask t : tasks) {
            cmds.put(t, List.of("bash", "-c", t.index() == 2 ? FAILS : WRITES_EVALS, t.args().get(0)));
        }
        return SlurmScript.of(batch, tasks, cmds, Map.of("ONEDNN_MAX_CPU_ISA", "AVX"), options);
    }

    private LaunchBatch batch() {
        List<LaunchTask> tasks = List.of(
                new LaunchTask(0, "a=1__seed=1", List.of(dir.resolve("sweep/a=1__seed=1").toString())),
                new LaunchTask(1, "a=1__seed=2", List.of(dir.resolve("sweep/a=1__seed=2").toString())),
                new LaunchTask(2, "a=it's__seed=1", List.of(dir.resolve("sweep/a=it's__seed=1").toString())));
        return new LaunchBatch(dir.resolve("sweep"), tasks, 2);
    }

    @Test
    void headerAsksForWhatTheOptionsSayAndOneArrayTaskPerRun() {
        LaunchBatch batch = batch();
        String s = script(batch, batch.tasks(), new SlurmOptions("gpu", "proj", "1:00:00", null, "4G", 1, List.of(),
                10));
        assertThat(s).startsWith("#!/bin/bash\n").contains(
                "#SBATCH --job-name=" + batch.jobName() + "\n",
                "#SBATCH --array=0-2\n",
                "#SBATCH --cpus-per-task=2\n", // the runs' threads when --slurm-cpus-per-task is not given
                "#SBATCH --partition=gpu\n", "#SBATCH --account=proj\n", "#SBATCH --time=1:00:00\n",
                "#SBATCH --mem=4G\n", "#SBATCH --gpus-per-task=1\n",
                "#SBATCH --output=" + batch.dir().resolve("slurm") + "/%A_%a.out\n",
                "export ONEDNN_MAX_CPU_ISA=AVX\n");
        String defaults = script(batch, List.of(batch.tasks().get(1)), new SlurmOptions(null, null, null, 1, null,
                null, List.of(), 10));
        assertThat(defaults).contains("#SBATCH --array=1\n", "#SBATCH --cpus-per-task=1\n")
                .doesNotContain("--partition", "--account", "--time", "--mem", "--gpus");
    }

    @Test
    void arraySpecCollapsesRuns() {
        List<LaunchTask> tasks = List.of(0, 1, 2, 3, 7, 9, 10).stream()
                .map(i -> new LaunchTask(i, "r" + i, List.of())).toList();
        assertThat(SlurmScript.arraySpec(tasks)).isEqualTo("0-3,7,9-10");
        assertThat(SlurmScript.arraySpec(List.of(new LaunchTask(5, "r", List.of())))).isEqualTo("5");
    }

    @Test
    void quotesForBash() {
        assertThat(SlurmScript.quote("train.lr=0.01")).isEqualTo("train.lr=0.01");
        assertThat(SlurmScript.quote("a b")).isEqualTo("'a b'");
        assertThat(SlurmScript.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(SlurmScript.quote("")).isEqualTo("''");
        assertThat(SlurmScript.quote("$HOME")).isEqualTo("'$HOME'");
    }

    private int runTask(Path script, int task) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("task-" + task + ".out").toFile());
        pb.environment().put("SLURM_ARRAY_TASK_ID", Integer.toString(task));
        pb.environment().put("SLURM_ARRAY_JOB_ID", "42");
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void anArrayTaskRunsItsRunAppendsItsLogAndWritesItsStatus() throws Exception {
        LaunchBatch batch = batch();
        Path script = Files.writeString(dir.resolve("submit-1.sh"), script(batch, batch.tasks(),
                SlurmOptions.defaults()));

        assertThat(runTask(script, 1)).isZero();
        LaunchTask second = batch.tasks().get(1);
        JsonObject ok = JsonParser.parseString(Files.readString(batch.status(second))).getAsJsonObject();
        assertThat(ok.get("run").getAsString()).isEqualTo("a=1__seed=2");
        assertThat(ok.get("ok").getAsBoolean()).isTrue();
        assertThat(ok.get("exit").getAsInt()).isZero();
        assertThat(ok.get("job").getAsString()).isEqualTo("42_1");
        assertThat(Files.readString(batch.log(second))).contains("=== hdkd: job 42_1 on ").contains("trained");
        assertThat(batch.runDir(second).resolve("eval.jsonl")).isRegularFile();
        assertThat(batch.status(batch.tasks().get(0))).doesNotExist();

        // run again (a resubmission): the log is appended to, the status rewritten
        assertThat(runTask(script, 1)).isZero();
        assertThat(Files.readString(batch.log(second))).containsOnlyOnce("trained\n=== hdkd: job 42_1");

        // a failing run: its exit code and ok=false; its folder name needs quoting
        LaunchTask third = batch.tasks().get(2);
        assertThat(runTask(script, 2)).isEqualTo(2);
        JsonObject failed = JsonParser.parseString(Files.readString(batch.status(third))).getAsJsonObject();
        assertThat(failed.get("ok").getAsBoolean()).isFalse();
        assertThat(failed.get("exit").getAsInt()).isEqualTo(2);
        assertThat(Launches.lastLine(batch.log(third))).isEqualTo("hdkd: error: train.lr: bad value");

        // an index the submission does not hold
        assertThat(runTask(script, 5)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("task-5.out"))).contains("hdkd: error: no run for array task 5");
        try (var files = Files.list(batch.dir().resolve("status"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("a=1__seed=2.json", "a=it's__seed=1.json"); // no temporary left
        }
    }
}
