package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run killed with SIGKILL after a checkpoint, then continued with {@code --resume}, ends with the same
 * model, bit for bit, as the uninterrupted run of the same configuration. This holds on the CPU because the run is
 * deterministic (seeded data order, augmentation and initialisation; oneDNN capped to AVX, see docs/DJL.md) and the
 * checkpoint holds everything the rest of the run depends on: weights, BatchNorm statistics, optimizer state, schedule
 * position and the loader's place in its epoch.
 */
class KillAndResumeIT {

    /** A tiny RetinaNet run: 3 epochs of 5 batches, a checkpoint every 4 steps, one evaluation at the end. */
    static final String[] RUN = {"train", "--config", "conf/tiny.properties",
        "--set", "dataset.synthetic-images=24", "--set", "dataset.synthetic-size=96", "--set", "data.loader.size=96",
        "--set", "train.epochs=3", "--set", "train.checkpoint-every=4", "--set", "train.eval-every=0",
        "--set", "train.warmup-steps=4", "--set", "train.keep-checkpoints=1"};

    /** Generous: a guard against hangs, not a timing assertion (CI machines may be loaded). */
    static final Duration TRAINING = Duration.ofMinutes(10);

    @TempDir
    static Path tmp;

    static Path dist;

    @BeforeAll
    static void locate() {
        dist = Hdkd.distribution();
    }

    @Test
    void aKilledRunResumedEndsWithTheUninterruptedRunsModel() throws Exception {
        Path whole = tmp.resolve("whole");
        Hdkd.Result a = Hdkd.run(dist, dist, Map.of(), TRAINING, with(RUN, "--out", whole.toString()));
        assertThat(a.code()).as(a.toString()).isZero();
        long steps = Files.readAllLines(whole.resolve("metrics.jsonl")).size();
        assertThat(steps).as("steps of the uninterrupted run").isGreaterThan(8);

        // The same run, killed once it has logged step 6 (the checkpoint of step 4 is then complete, and steps 5-6
        // are work the kill throws away).
        Path killed = tmp.resolve("killed");
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = Hdkd.start(dist, dist, out, err, with(RUN, "--out", killed.toString()));
        try {
            long deadline = System.nanoTime() + TRAINING.toNanos();
            while (lines(killed.resolve("metrics.jsonl")) < 6) {
                assertThat(p.isAlive()).as("the run ended before it could be killed:\n%s", Files.readString(err))
                        .isTrue();
                assertThat(System.nanoTime()).as("step 6 within " + TRAINING).isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to tidy up
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(killed.resolve("model")).as("the killed run saved no model").doesNotExist();
        assertThat(checkpointSteps(killed)).as("checkpoints left by the kill").isNotEmpty();

        Hdkd.Result resumed = Hdkd.run(dist, dist, Map.of(), TRAINING, "train", "--out", killed.toString(), "--resume");
        assertThat(resumed.code()).as(resumed.toString()).isZero();

        assertThat(untimed(killed)).as("the resumed run's step log equals the uninterrupted one's")
                .isEqualTo(untimed(whole));
        assertThat(Files.readAllBytes(killed.resolve("model/model.params")))
                .as("model/model.params, bit for bit").isEqualTo(Files.readAllBytes(whole.resolve("model/model.params")));
        assertThat(Files.readString(killed.resolve("eval/detections_val.json")))
                .isEqualTo(Files.readString(whole.resolve("eval/detections_val.json")));
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

    private static List<Path> checkpointSteps(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.filter(d -> d.getFileName().toString().startsWith("ckpt-")).toList();
        }
    }

    private static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
