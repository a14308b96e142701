package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bench predict} on an untrained detector described on the command line (the run-folder form is covered by
 * RunCommandsTest). Smoke only: no timing assertions.
 */
@ExtendWith(ClasspathPlugins.class)
class BenchPredictCommandTest {

    static final String[] TINY = {"bench", "predict", "--set", "model.backbone.type=resnet18",
        "--set", "model.backbone.width=0.125", "--set", "model.neck.channels=16", "--set", "model.head.num-convs=1",
        "--classes", "3", "--size", "64", "--images", "2", "--batch", "2"};

    static String[] with(String... more) {
        String[] all = Arrays.copyOf(TINY, TINY.length + more.length);
        System.arraycopy(more, 0, all, TINY.length, more.length);
        return all;
    }

    static int detections(String out) {
        return out.lines().filter(l -> l.startsWith("detections ")).mapToInt(l -> Integer.parseInt(l.substring(11)))
                .findFirst().orElseThrow();
    }

    @Test
    void anUntrainedDetectorDecodesNothingAtTheDefaultThresholdAndTheMostAtZero() {
        String[] defaults = BenchTrainCommandTest.run(0, TINY);
        assertThat(defaults).contains("input 64x64", "batch 2");
        assertThat(detections(String.join("\n", defaults))).isZero();
        String[] worst = BenchTrainCommandTest.run(0, with("--set", "model.head.score-threshold=0"));
        // One timed batch of two images, each capped at max-detections (100).
        assertThat(detections(String.join("\n", worst))).isEqualTo(2 * 100);
        assertThat(worst[worst.length - 3]).startsWith("median_step_ms ");
        assertThat(worst[worst.length - 1]).startsWith("peak_rss_mb ");
    }

    @Test
    void aRunAndADetectorDescriptionContradict() {
        BenchTrainCommandTest.run(2, "bench", "predict", "--run", "somewhere", "--set", "model.head.num-convs=1");
        BenchTrainCommandTest.run(2, with("--batch", "0"));
    }
}
