package io.hdkd.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.coco.CocoReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference cases of {@code coco-eval/README.md}: the 12 numbers pycocotools printed (6 decimals) must be
 * reproduced to within 1e-6.
 */
class CocoFixturesTest {

    static Path resource(String name) {
        try {
            return Path.of(CocoFixturesTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"case1", "case2", "case3"})
    void matchesPycocotools(String name) throws Exception {
        check(resource("coco-eval/" + name), 1e-6);
    }

    /** Random cases (see coco-eval-random/README.md for how their expected values were made), full precision. */
    @ParameterizedTest
    @ValueSource(strings = {"seed3", "seed13", "seed14"})
    void matchesRandomRegressionCases(String name) throws Exception {
        check(resource("coco-eval-random/" + name), 1e-9);
    }

    private static void check(Path dir, double tolerance) throws Exception {
        String name = dir.getFileName().toString();
        DetectionDataset gt = CocoReader.read(dir.resolve("gt.json"), dir, CocoReader.Options.FOR_EVALUATION)
                .dataset();
        List<CocoDetection> dets = CocoResults.read(dir.resolve("dets.json"));

        CocoStats stats = CocoEvaluator.evaluate(gt, dets);

        List<String> expected = Files.readAllLines(dir.resolve("expected.txt"));
        assertThat(expected).hasSize(12);
        for (int i = 0; i < 12; i++) {
            String[] parts = expected.get(i).trim().split("\\s+");
            assertThat(parts[0]).isEqualTo(CocoStats.NAMES.get(i));
            assertThat(stats.stats()[i]).as(name + " " + parts[0])
                    .isCloseTo(Double.parseDouble(parts[1]), within(tolerance));
        }
    }
}
