package io.hdkd.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.Detection;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.Category;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoResultsTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReadsBackExactly() throws IOException {
        List<CocoDetection> dets = List.of(
                new CocoDetection(139, 1, 412.8, 157.61, 53.05, 138.01, 0.9990234375),
                new CocoDetection(285, 23, 0.1, 1e-7, 1 / 3.0, 640, 0.123456789012345),
                new CocoDetection(Long.MAX_VALUE, 90, 0, 0, 0, 0, 0));
        Path f = dir.resolve("dets.json");
        CocoResults.write(f, dets);
        assertThat(CocoResults.read(f)).isEqualTo(dets);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f); // no temporary file left behind
        }
        assertThat(Files.readString(f)).startsWith("[{\"image_id\":139,\"category_id\":1,\"bbox\":[412.8,157.61,");
    }

    @Test
    void modelDetectionsMapToCocoCategoryIdsAndXywh() {
        List<Category> cats = List.of(new Category(1, "person"), new Category(18, "dog"));
        CocoDetection d = CocoDetection.of(7, new Detection(1, 0.5f, 10, 20, 40, 60), cats);
        assertThat(d).isEqualTo(new CocoDetection(7, 18, 10, 20, 30, 40, 0.5));
    }

    @Test
    void readsRealResultFilesIgnoringOtherFields() throws IOException {
        Path f = dir.resolve("r.json");
        Files.writeString(f, "[{\"image_id\": 42, \"category_id\": 18, \"bbox\": [258.15, 41.29, 348.26, 243.78],"
                + " \"score\": 0.236, \"segmentation\": {\"size\": [1, 2], \"counts\": \"abc\"}, \"area\": 5}]");
        assertThat(CocoResults.read(f))
                .containsExactly(new CocoDetection(42, 18, 258.15, 41.29, 348.26, 243.78, 0.236));
        Files.writeString(f, "[]");
        assertThat(CocoResults.read(f)).isEmpty();
    }

    @Test
    void refusesBadEntriesWithOneLine() throws IOException {
        Path f = dir.resolve("r.json");
        Files.writeString(f, "{\"image_id\": 1}");
        assertThatThrownBy(() -> CocoResults.read(f)).isInstanceOf(InvalidInputException.class)
                .hasMessage(f + ": expected a JSON list of detections, found BEGIN_OBJECT");
        Files.writeString(f, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3], \"score\": 1}]");
        assertThatThrownBy(() -> CocoResults.read(f))
                .hasMessage(f + ": detection #1: bbox must have 4 numbers [x, y, w, h], got 3");
        Files.writeString(f, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, -3, 4], \"score\": 1}]");
        assertThatThrownBy(() -> CocoResults.read(f))
                .hasMessage(f + ": detection #1: bbox width and height must be >= 0, got -3.0 x 4.0");
        Files.writeString(f, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": NaN}]");
        assertThatThrownBy(() -> CocoResults.read(f)).hasMessageStartingWith(f + ": malformed JSON: ")
                .hasMessageNotContaining("\n");
        Files.writeString(f, "[{\"image_id\": 1, \"category_id\": 1.5, \"bbox\": [1, 2, 3, 4], \"score\": 1}]");
        assertThatThrownBy(() -> CocoResults.read(f)).hasMessageStartingWith(f + ": malformed JSON: ")
                .hasMessageContaining("category_id");
        Files.writeString(f, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 1}");
        assertThatThrownBy(() -> CocoResults.read(f)).hasMessageStartingWith(f + ": malformed JSON: ")
                .hasMessageNotContaining("\n");
    }
}
