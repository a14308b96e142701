package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test only, a tiny detector and input, no timing assertions: timings belong to {@code hdkd bench}. */
@ExtendWith(ClasspathPlugins.class)
class BenchTrainCommandTest {

    static final String[] TINY = {"--set", "model.backbone.type=resnet18", "--set", "model.backbone.width=0.125",
        "--set", "model.neck.channels=16", "--set", "model.head.num-convs=1", "--classes", "3", "--size", "64",
        "--threads", "1"};

    /** The command's stdout lines, after checking its exit code (shared with the other bench tests). */
    static String[] run(int expectedCode, String... args) {
        return BenchBackboneCommandTest.run(expectedCode, args);
    }

    static String[] bench(String... extra) {
        String[] args = new String[2 + TINY.length + extra.length];
        args[0] = "bench";
        args[1] = "train";
        System.arraycopy(TINY, 0, args, 2, TINY.length);
        System.arraycopy(extra, 0, args, 2 + TINY.length, extra.length);
        return args;
    }

    @Test
    void runsTheDetectorStepAndEndsWithTheBenchReportLines() {
        String[] lines = run(0, bench("--steps", "2", "--warmup", "1"));
        assertThat(lines[0]).startsWith("resnet18 + retinanet: ").contains("trainable");
        assertThat(lines[1]).startsWith("input 2 x 3 x 64 x 64, 2 boxes per image, threads 1")
                .endsWith(", device cpu()");
        assertThat(lines[2]).matches("last_loss \\d+\\.\\d{6}");
        assertThat(lines[6]).startsWith("median_step_ms ");
        assertThat(lines[7]).startsWith("images_per_s ");
        assertThat(lines[8]).startsWith("peak_rss_mb ");
    }

    @Test
    void theSameSeedGivesTheSameLossAndSgdLowersIt() {
        String[] args = bench("--steps", "1", "--warmup", "0", "--batch", "1");
        assertThat(run(0, args)[2]).isEqualTo(run(0, args)[2]);
        double one = Double.parseDouble(run(0, bench("--steps", "1", "--warmup", "0", "--batch", "1"))[2]
                .substring("last_loss ".length()));
        double six = Double.parseDouble(run(0, bench("--steps", "1", "--warmup", "5", "--batch", "1", "--lr", "0.01"))[2]
                .substring("last_loss ".length()));
        // The same batch six times: the step really trains.
        assertThat(six).isLessThan(one);
    }

    @Test
    void profileRecordsTheTimedStepsOperators(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.json");
        run(0, bench("--steps", "1", "--warmup", "1", "--batch", "1", "--profile", trace.toString()));
        // A Chrome trace of libtorch's operators: the step's convolutions and their backward are in it.
        String json = Files.readString(trace);
        assertThat(json).contains("\"ph\": \"X\"").contains("aten::convolution").contains("convolution_backward");
    }

    @Test
    void rejectsNonsense() {
        run(2, bench("--steps", "0"));
        run(2, "bench", "train", "--size", "16");
        run(2, "bench", "train", "--set", "model.head.type=nohead", "--size", "64");
    }
}
