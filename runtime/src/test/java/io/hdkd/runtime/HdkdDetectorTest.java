package io.hdkd.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.modality.cv.output.Rectangle;
import ai.djl.repository.zoo.ZooModel;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole DJL path on ONNX Runtime, with a hand-written model whose outputs are constants (known answers). */
class HdkdDetectorTest {

    @TempDir
    static Path tmp;

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    /** Two detections in a 16 x 16 input: a square (label 1) at 0.9, a circle at 0.2, then a padding row. */
    private static Path model(String name, Map<String, String> metadata) throws Exception {
        Path file = tmp.resolve(name);
        Files.write(file, TinyOnnx.decoded(16,
                new float[] {2f, 1f, 10f, 3f, 0f, 0f, 20f, 20f, 0f, 0f, 0f, 0f},
                new float[] {0.9f, 0.2f, 0f}, new long[] {1, 0, -1}, metadata));
        return file;
    }

    @Test
    void detectsInOriginalImagePixels() throws Exception {
        Path file = model("tiny.onnx", Fixtures.metadata(16, "longer", 16, 800, 1333));
        // 32 x 8 resizes to 16 x 4 (scale 0.5): network boxes double, and clip to the image
        Image image = ImageFactory.getInstance().fromImage(new BufferedImage(32, 8, BufferedImage.TYPE_INT_RGB));
        try (ZooModel<Image, DetectedObjects> m = HdkdDetector.load(file);
                Predictor<Image, DetectedObjects> p = m.newPredictor()) {
            DetectedObjects found = p.predict(image);
            assertThat(found.getNumberOfObjects()).isEqualTo(2);
            DetectedObjects.DetectedObject square = found.item(0);
            assertThat(square.getClassName()).isEqualTo("square");
            assertThat(square.getProbability()).isCloseTo(0.9, within(1e-6));
            assertRect(square.getBoundingBox().getBounds(), 4, 2, 16, 4);
            DetectedObjects.DetectedObject circle = found.item(1);
            assertThat(circle.getClassName()).isEqualTo("circle");
            assertRect(circle.getBoundingBox().getBounds(), 0, 0, 32, 8);
        }
    }

    @Test
    void aThresholdKeepsScoresFromItUpAndNormalisedBoxesAreFractions() throws Exception {
        Path file = model("tiny2.onnx", Fixtures.metadata(16, "longer", 16, 800, 1333));
        Image image = ImageFactory.getInstance().fromImage(new BufferedImage(32, 8, BufferedImage.TYPE_INT_RGB));
        try (ZooModel<Image, DetectedObjects> m = HdkdDetector.load(file,
                        HdkdTranslator.builder().optThreshold(0.9f).optNormalizedBoxes(true));
                Predictor<Image, DetectedObjects> p = m.newPredictor()) {
            DetectedObjects found = p.predict(image);
            assertThat(found.getNumberOfObjects()).isEqualTo(1);
            DetectedObjects.DetectedObject square = found.item(0);
            assertRect(square.getBoundingBox().getBounds(), 4 / 32.0, 2 / 8.0, 16 / 32.0, 4 / 8.0);
        }
    }

    private static void assertRect(Rectangle r, double x, double y, double w, double h) {
        assertThat(r.getX()).isCloseTo(x, within(1e-5));
        assertThat(r.getY()).isCloseTo(y, within(1e-5));
        assertThat(r.getWidth()).isCloseTo(w, within(1e-5));
        assertThat(r.getHeight()).isCloseTo(h, within(1e-5));
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = tmp.resolve("nowhere/student.onnx");
        assertThatThrownBy(() -> HdkdDetector.load(missing))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("hdkd export --decode");
    }

    @Test
    void anOnnxModelWithoutHdkdsMetadataIsNamedAtLoad() throws Exception {
        Path file = model("foreign.onnx", Map.of("producer", "elsewhere"));
        assertThatThrownBy(() -> HdkdDetector.load(file))
                .isInstanceOf(MalformedModelException.class)
                .hasMessageContaining(file + " has no hdkd metadata")
                .hasMessageContaining("expected a model written by 'hdkd export --decode'");
    }

    @Test
    void aRawExportIsNamedAtLoad() throws Exception {
        Map<String, String> meta = Fixtures.metadata(16, "longer", 16, 800, 1333);
        meta.put("hdkd.decoded", "false");
        Path file = model("raw.onnx", meta);
        assertThatThrownBy(() -> HdkdDetector.load(file))
                .isInstanceOf(MalformedModelException.class)
                .hasMessageContaining(file + " is a raw export");
    }
}
