package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCheckCommandTest {

    @TempDir
    Path dir;

    private Path images() throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        ImageIO.write(new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB), "png", images.resolve("a.png").toFile());
        ImageIO.write(new BufferedImage(60, 40, BufferedImage.TYPE_INT_RGB), "png", images.resolve("b.png").toFile());
        return images;
    }

    private Path annotations(String json) throws IOException {
        Path f = dir.resolve("instances.json");
        Files.writeString(f, json.replace('\'', '"'));
        return f;
    }

    @Test
    void aCleanDatasetGetsASummaryAndExitZero() throws IOException {
        Path images = images();
        Path f = annotations("{'images': [{'id': 1, 'file_name': 'a.png', 'width': 100, 'height': 80},"
                + "{'id': 2, 'file_name': 'b.png', 'width': 60, 'height': 40}],"
                + "'annotations': [{'id': 1, 'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 10, 10], 'area': 100},"
                + "{'id': 2, 'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 50, 40], 'area': 2000},"
                + "{'id': 3, 'image_id': 1, 'category_id': 7, 'bbox': [0, 0, 100, 80], 'area': 8000, 'iscrowd': 1}],"
                + "'categories': [{'id': 3, 'name': 'car'}, {'id': 7, 'name': 'bus'}]}");
        CliRun r = CliRun.of("data", "check", "--annotations", f.toString(), "--images", images.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.outLines()).containsExactly(
                "images 2 (1 without annotations)",
                "annotations 3 (1 crowd)",
                "categories 2",
                "sizes small 1 medium 1 large 0 (non-crowd, by area: < 32^2, < 96^2, >= 96^2)",
                "problems 0");
    }

    @Test
    void everyProblemIsReportedOnItsOwnLineAndTheExitCodeIsTwo() throws IOException {
        Path images = images();
        Path f = annotations("{'images': [{'id': 1, 'file_name': 'a.png', 'width': 100, 'height': 80},"
                + "{'id': 2, 'file_name': 'b.png', 'width': 64, 'height': 40},"
                + "{'id': 3, 'file_name': 'missing.png', 'width': 10, 'height': 10},"
                + "{'id': 4, 'file_name': '../../etc/passwd', 'width': 10, 'height': 10}],"
                + "'annotations': [{'id': 1, 'image_id': 1, 'category_id': 3, 'bbox': [0, 0, -3, 10]},"
                + "{'id': 2, 'image_id': 1, 'category_id': 3, 'bbox': [95, 0, 10, 10]},"
                + "{'id': 2, 'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 10, 10]},"
                + "{'id': 5, 'image_id': 1, 'category_id': 4, 'bbox': [0, 0, 10, 10]},"
                + "{'id': 6, 'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 10, 10]}],"
                + "'categories': [{'id': 3, 'name': 'car'}]}");
        CliRun r = CliRun.of("data", "check", "--annotations", f.toString(), "--images", images.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        Path abs = images.toAbsolutePath().normalize();
        assertThat(r.errLines()).containsExactly(
                f + ": image id 2 (b.png): declared 64x40 but the file is 60x40",
                f + ": image id 3 (missing.png): image file not found: " + abs.resolve("missing.png"),
                f + ": image id 4: file_name '../../etc/passwd' escapes the image folder",
                f + ": annotation id 1: bbox width must be > 0, got -3",
                f + ": annotation id 2: bbox [95, 0, 10, 10] leaves image id 1 (100x80)",
                f + ": annotation id 2: duplicate id",
                f + ": annotation id 5: category_id 4 is not in \"categories\"");
        assertThat(r.out()).contains("images 1 (0 without annotations)")
                .endsWith("problems 7" + System.lineSeparator());
    }

    @Test
    void malformedJsonIsOneProblem() throws IOException {
        Path f = annotations("{'images': [}");
        CliRun r = CliRun.of("data", "check", "--annotations", f.toString(), "--images", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith(f + ": malformed JSON: ").contains("line 1 column");
    }

    @Test
    void requiresBothOptions() {
        CliRun r = CliRun.of("data", "check", "--annotations", "x.json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--images");
    }
}
