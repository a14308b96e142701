package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCocoCommandTest {

    @TempDir
    Path dir;

    private static Path fixture(String name) {
        try {
            return Path.of(EvalCocoCommandTest.class.getResource("/coco-eval/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void printsTheTwelveStatsInPycocotoolsOrderThenTheFoundShare() throws IOException {
        Path c = fixture("case2");
        CliRun r = CliRun.of("eval-coco", c.resolve("gt.json").toString(), c.resolve("dets.json").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.outLines();
        assertThat(lines).hasSize(13);
        List<String> expected = Files.readAllLines(c.resolve("expected.txt"));
        for (int i = 0; i < 12; i++) {
            String[] got = lines[i].split(" ");
            String[] want = expected.get(i).split(" ");
            assertThat(got[0]).isEqualTo(want[0]);
            assertThat(got[1]).matches("-?\\d\\.\\d{6}");
            assertThat(Double.parseDouble(got[1])).isCloseTo(Double.parseDouble(want[1]),
                    org.assertj.core.api.Assertions.within(1.01e-6));
        }
        assertThat(lines[12]).matches("found_share_iou50 0\\.\\d{6}");
    }

    @Test
    void perClassTableListsEveryCategory() {
        Path c = fixture("case3");
        CliRun r = CliRun.of("eval-coco", c.resolve("gt.json").toString(), c.resolve("dets.json").toString(),
                "--per-class");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.outLines();
        assertThat(lines[13]).matches("class\\s+AP\\s+AP50\\s+#GT");
        // case3: a category with GT and no detections has AP 0; categories without GT are -1.
        assertThat(lines.length).isGreaterThan(14);
        assertThat(r.out()).contains("0.000000").contains("-1.000000");
    }

    @Test
    void writesTheReportAtomicallyAndRefusesToOverwrite() throws IOException {
        Path c = fixture("case1");
        Path report = dir.resolve("report.txt");
        String gt = c.resolve("gt.json").toString();
        String dets = c.resolve("dets.json").toString();
        CliRun r = CliRun.of("eval-coco", gt, dets, "--output", report.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(Files.readString(report)).isEqualTo(r.out());

        CliRun again = CliRun.of("eval-coco", gt, dets, "--output", report.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.errLines())
                .containsExactly("hdkd: error: " + report + " exists; pass --force to overwrite it");
        assertThat(CliRun.of("eval-coco", gt, dets, "--output", report.toString(), "--force").exitCode()).isZero();
    }

    @Test
    void badDetectionsExitTwoWithOneLineAndWriteNothing() throws IOException {
        Path c = fixture("case1");
        String gt = c.resolve("gt.json").toString();
        Path report = dir.resolve("out/report.txt");

        Path malformed = dir.resolve("bad.json");
        Files.writeString(malformed,
                "[{\"image_id\": 1, \"category_id\": 1,\n \"bbox\": [1, 2, 3, 4] \"score\": 0.5}]");
        CliRun r = CliRun.of("eval-coco", gt, malformed.toString(), "--output", report.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("hdkd: error: " + malformed + ": malformed JSON: ").contains("line 2");
        assertThat(r.out()).isEmpty();

        Path unknownImage = dir.resolve("unknown.json");
        Files.writeString(unknownImage,
                "[{\"image_id\": 77, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 0.5}]");
        r = CliRun.of("eval-coco", gt, unknownImage.toString(), "--output", report.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("hdkd: error: " + unknownImage
                + ": detection #1: image_id 77 is not an image of the ground truth");

        Path unknownCategory = dir.resolve("unknown-cat.json");
        Files.writeString(unknownCategory,
                "[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [1, 2, 3, 4], \"score\": 0.5}]");
        r = CliRun.of("eval-coco", gt, unknownCategory.toString(), "--output", report.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("hdkd: error: " + unknownCategory
                + ": detection #1: category_id 3 is not a category of the ground truth");

        Path missingScore = dir.resolve("noscore.json");
        Files.writeString(missingScore, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}]");
        r = CliRun.of("eval-coco", gt, missingScore.toString());
        assertThat(r.errLines()).containsExactly("hdkd: error: " + missingScore
                + ": detection #1: missing field \"score\"");

        r = CliRun.of("eval-coco", gt, dir.resolve("absent.json").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("hdkd: error: " + dir.resolve("absent.json") + ": no such file");

        // Nothing half-written: no report, no temporary file, not even the folder's content.
        assertThat(report).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("bad.json", "unknown.json", "unknown-cat.json", "noscore.json");
        }
    }

    @Test
    void badGroundTruthExitsTwo() throws IOException {
        Path gt = dir.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 10}],"
                + " \"annotations\": [{\"id\": 3, \"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 1, 1]}],"
                + " \"categories\": [{\"id\": 1, \"name\": \"a\"}]}");
        Path dets = dir.resolve("dets.json");
        Files.writeString(dets, "[]");
        CliRun r = CliRun.of("eval-coco", gt.toString(), dets.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly(
                "hdkd: error: " + gt + ": annotation id 3: category_id 2 is not in \"categories\"");
    }
}
