package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hdkd sweep --launcher slurm} against a real Slurm (scripts/slurm/start-local-cluster.sh starts a one-node
 * cluster; scripts/test.sh does that before the tests): a 2 x 2 sweep of tiny runs submitted as one job array ends
 * with the same table, run for run, as the local launcher's on the same grid and seeds; one array task cancelled
 * midway (scancel) is reported, resubmitted and resumes from its checkpoint. Without Slurm the test is skipped and
 * says why; with {@code CI=true} it must run, and a Slurm that does not answer fails it.
 */
class SlurmSweepIT {

    /** 3 epochs of 5 tiny batches, a checkpoint every 4 steps: about 10 s a run with one thread. */
    static final String[] SWEEP = {"sweep", "--config", "conf/tiny.properties",
        "--grid", "train.lr=0.01,0.005", "--seeds", "2", "--threads", "1",
        "--set", "dataset.synthetic-images=24", "--set", "dataset.synthetic-size=96", "--set", "data.loader.size=96",
        "--set", "train.epochs=3", "--set", "train.checkpoint-every=4", "--set", "train.eval-every=0",
        "--set", "train.warmup-steps=4", "--set", "train.keep-checkpoints=1", "--set", "data.loader.workers=1"};

    static final Duration LIMIT = Duration.ofMinutes(6);

    @TempDir
    static Path tmp;

    static Path dist;

    @BeforeAll
    static void slurmOrSkip() throws Exception {
        dist = Hdkd.distribution();
        String why = slurmMissing();
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but Slurm is not usable here: " + why + " (scripts/test.sh starts a one-node cluster "
                        + "with scripts/slurm/start-local-cluster.sh)");
            }
            assumeTrue(false, "skipped: " + why + "; run scripts/test.sh (it starts a one-node Slurm) to run it");
        }
    }

    /** Null if sinfo answers and shows a node that can take jobs, else why not. */
    static String slurmMissing() {
        try {
            Hdkd.Result r = Hdkd.process(List.of("sinfo", "--noheader", "--format=%t"), tmp, Map.of(),
                    Duration.ofSeconds(30));
            if (r.code() != 0) {
                return "sinfo failed: " + (r.err() + r.out()).strip();
            }
            boolean usable = r.out().lines().map(String::strip)
                    .anyMatch(s -> s.startsWith("idle") || s.startsWith("mix") || s.startsWith("alloc"));
            return usable ? null : "no Slurm node is up (sinfo: " + r.out().strip() + ")";
        } catch (IOException e) {
            return "no sinfo on the PATH (Slurm is not installed)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static Hdkd.Result hdkd(String... args) throws Exception {
        return Hdkd.run(dist, dist, Map.of(), LIMIT, args);
    }

    @Test
    void aSweepThroughSlurmEqualsTheLocalOneAndACancelledRunResumesFromItsCheckpoint() throws Exception {
        Path viaSlurm = tmp.resolve("slurm");
        Hdkd.Result submitted = hdkd(with(SWEEP, "--launcher", "slurm", "--out", viaSlurm.toString()));
        assertThat(submitted.code()).as(submitted.toString()).isZero();
        assertThat(submitted.err()).contains("submitted Slurm job").contains("array 0-3");
        assertThat(submitted.out()).contains("4 runs: 0 done");
        String job = JsonParser.parseString(Files.readString(viaSlurm.resolve("slurm/submission-1.json")))
                .getAsJsonObject().get("job").getAsString();

        // cancel one array task once it has checkpointed and gone on: it must not be the last to start
        String victim = "train.lr=0.005__seed=2"; // array index 3
        Path victimRun = viaSlurm.resolve(victim);
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (lines(victimRun.resolve("metrics.jsonl")) < 6) {
            assertThat(victimRun.resolve("model")).as("the run ended before it could be cancelled").doesNotExist();
            assertThat(System.nanoTime()).as("step 6 of " + victim + " within " + LIMIT).isLessThan(deadline);
            Thread.sleep(50);
        }
        Hdkd.Result cancel = Hdkd.process(List.of("scancel", job + "_3"), tmp, Map.of(), Duration.ofSeconds(30));
        assertThat(cancel.code()).as(cancel.toString()).isZero();
        while (inQueue(job + "_3")) {
            assertThat(System.nanoTime()).as("scancel within " + LIMIT).isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(victimRun.resolve("model")).as("the cancelled run saved no model").doesNotExist();
        assertThat(victimRun.resolve("checkpoints/latest")).as("the cancelled run's checkpoint").isRegularFile();

        // the local launcher's sweep of the same grid and seeds, in its own folder (it competes with the Slurm runs
        // still going for the CPUs; the results do not depend on that)
        Path local = tmp.resolve("local");
        Hdkd.Result here = hdkd(with(SWEEP, "--launcher", "local", "--out", local.toString()));
        assertThat(here.code()).as(here.toString()).isZero();

        // the same command again, waiting: the cancelled run is reported, resubmitted and resumed
        Hdkd.Result waited = hdkd(with(SWEEP, "--launcher", "slurm", "--out", viaSlurm.toString(), "--wait",
                "--slurm-poll", "1"));
        assertThat(waited.code()).as(waited.toString()).isZero();
        assertThat(waited.err()).contains(victim + ": failed (job " + job + "_3 left the queue without writing its "
                + "status").contains("submitting it again").contains("array 3: " + victim);
        assertThat(waited.err()).contains("[####################] 4/4 ended: 4 done");
        assertThat(Files.readString(viaSlurm.resolve("logs/" + victim + ".log")))
                .contains("resume-or-start: " + victimRun + " holds a run: resuming it from checkpoint ckpt-");

        // the same table, and each run's step log and evaluations equal to the local run's
        assertThat(Files.readAllLines(viaSlurm.resolve("results.csv")))
                .isEqualTo(Files.readAllLines(local.resolve("results.csv")));
        assertThat(viaSlurm.resolve("results.html")).isRegularFile();
        for (String run : List.of("train.lr=0.01__seed=1", "train.lr=0.01__seed=2", "train.lr=0.005__seed=1",
                victim)) {
            assertThat(untimed(viaSlurm.resolve(run))).as(run + ": metrics.jsonl under Slurm vs locally")
                    .isEqualTo(untimed(local.resolve(run)));
            assertThat(Files.readString(viaSlurm.resolve(run + "/eval.jsonl")))
                    .isEqualTo(Files.readString(local.resolve(run + "/eval.jsonl")));
            JsonObject status = JsonParser.parseString(Files.readString(viaSlurm.resolve("status/" + run + ".json")))
                    .getAsJsonObject();
            assertThat(status.get("launcher").getAsString()).isEqualTo("slurm");
        }

        // once all are done, the command only reports: nothing is submitted again
        Hdkd.Result again = hdkd(with(SWEEP, "--launcher", "slurm", "--out", viaSlurm.toString()));
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.err()).doesNotContain("submitted");
        assertThat(again.out()).contains("1. train.lr=");
        try (Stream<Path> s = Files.list(viaSlurm.resolve("slurm"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("submission-")))
                    .containsExactlyInAnyOrder("submission-1.json", "submission-2.json");
        }
    }

    @Test
    void aPartitionSlurmDoesNotKnowIsOneLineAndNothingIsLeftSubmitted() throws Exception {
        Path out = tmp.resolve("bad-partition");
        Hdkd.Result r = hdkd(with(SWEEP, "--launcher", "slurm", "--slurm-partition", "no-such-partition", "--out",
                out.toString()));
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("hdkd: error: --launcher slurm: sbatch rejected the job array of 4 "
                + "run(s): invalid partition specified: no-such-partition; nothing was submitted").doesNotContain("\n")
                .doesNotContain("Exception");
        try (Stream<Path> s = Files.list(out.resolve("slurm"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("submission-"));
        }
    }

    private static boolean inQueue(String task) throws Exception {
        Hdkd.Result r = Hdkd.process(List.of("squeue", "--noheader", "--array", "--format=%i"), tmp, Map.of(),
                Duration.ofSeconds(30));
        return r.out().lines().map(String::strip).anyMatch(task::equals);
    }

    /** The step log without its timing fields (images_per_s, step_ms), which differ between any two runs. */
    private static List<String> untimed(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll(",?\"(images_per_s|step_ms)\":[^,}]*", "")).toList();
    }

    private static long lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        }
    }
}
