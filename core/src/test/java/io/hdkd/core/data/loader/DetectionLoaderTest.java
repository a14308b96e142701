package io.hdkd.core.data.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Options;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthDatasetWriter;
import io.hdkd.core.data.synth.SynthPreset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionLoaderTest {

    private static NDManager manager;
    private static final List<Category> CATS = List.of(new Category(1, "a"), new Category(5, "b"));

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    private static void png(Path file, int w, int h, int rgb) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private static LoaderConfig plain(int size, int batch) {
        return LoaderConfig.longerSide(size, batch, 2, false, 0);
    }

    private static List<List<Long>> ids(DetectionLoader loader, int epoch) {
        List<List<Long>> out = new ArrayList<>();
        try (var it = loader.epoch(epoch, manager)) {
            while (it.hasNext()) {
                try (DetectionBatch b = it.next()) {
                    out.add(b.metas().stream().map(ImageMeta::imageId).toList());
                }
            }
        }
        return out;
    }

    @Test
    void resizesKeepingAspectAndPadsToTheDivisorWithZeros(@TempDir Path dir) throws IOException {
        png(dir.resolve("a.png"), 40, 30, 0xffffff);
        png(dir.resolve("b.png"), 30, 50, 0xffffff);
        png(dir.resolve("c.png"), 64, 64, 0xffffff);
        DetectionDataset ds = new DetectionDataset(dir, CATS, List.of(
                new ImageRecord(1, "a.png", 40, 30, List.of(new ObjectAnnotation(1, 1, 4, 3, 10, 6, 60, false),
                        new ObjectAnnotation(2, 0, 0, 0, 40, 30, 1200, true))),
                new ImageRecord(2, "b.png", 30, 50, List.of()),
                new ImageRecord(3, "c.png", 64, 64, List.of(new ObjectAnnotation(3, 0, 0, 0, 64, 64, 4096, false)))));
        try (DetectionLoader loader = new DetectionLoader(ds, AugmentConfig.NONE, plain(64, 2));
                var it = loader.epoch(0, manager)) {
            assertThat(loader.batchesPerEpoch()).isEqualTo(2);
            try (DetectionBatch b = it.next()) {
                assertThat(b.images().getShape()).isEqualTo(new Shape(2, 3, 64, 64));
                assertThat(b.images().getDataType()).isEqualTo(DataType.FLOAT32);
                // a: 40x30 -> 64x48; rows 48.. are padding (0 = the mean after normalisation)
                float[] px = b.images().get(0).toFloatArray();
                float white0 = (1 - 0.485f) / 0.229f;
                assertThat(px[47 * 64 + 63]).isCloseTo(white0, within(1e-4f));
                assertThat(px[48 * 64]).isZero();
                // b: 30x50 -> 38x64; columns 38.. are padding
                float[] pb = b.images().get(1).toFloatArray();
                assertThat(pb[10 * 64 + 37]).isCloseTo(white0, within(1e-4f));
                assertThat(pb[10 * 64 + 38]).isZero();

                ImageMeta meta = b.metas().get(0);
                assertThat(meta.imageId()).isEqualTo(1);
                assertThat(meta.width()).isEqualTo(40);
                assertThat(meta.height()).isEqualTo(30);
                assertThat(meta.scaleX()).isEqualTo(1.6f);
                assertThat(meta.scaleY()).isEqualTo(1.6f);
                assertThat(b.metas().get(1).scaleX()).isEqualTo(38f / 30);
                assertThat(b.metas().get(1).scaleY()).isEqualTo(64f / 50);

                // the crowd region is not a target; the box is scaled into input pixels
                NDArray boxes = b.targets().get(0).boxes();
                assertThat(boxes.getShape()).isEqualTo(new Shape(1, 4));
                assertThat(boxes.toFloatArray()).containsExactly(new float[] {6.4f, 4.8f, 22.4f, 14.4f},
                        within(1e-4f));
                assertThat(b.targets().get(0).labels().getDataType()).isEqualTo(DataType.INT32);
                assertThat(b.targets().get(0).labels().toIntArray()).containsExactly(1);
                // an image without objects has a 0x4 box array
                assertThat(b.targets().get(1).boxes().getShape()).isEqualTo(new Shape(0, 4));
                assertThat(b.targets().get(1).labels().getShape()).isEqualTo(new Shape(0));
            }
            try (DetectionBatch b = it.next()) {
                assertThat(b.images().getShape()).isEqualTo(new Shape(1, 3, 64, 64));
                assertThat(b.targets().get(0).boxes().toFloatArray()).containsExactly(0, 0, 64, 64);
            }
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void normalisesWithImageNetMeanAndStd(@TempDir Path dir) throws IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, 0xff8000);
            }
        }
        img.setRGB(5, 3, 0x00ff40);
        ImageIO.write(img, "png", dir.resolve("x.png").toFile());
        DetectionDataset ds = new DetectionDataset(dir, CATS, List.of(new ImageRecord(7, "x.png", 32, 32, List.of())));
        try (DetectionLoader loader = new DetectionLoader(ds, AugmentConfig.NONE, plain(32, 1));
                var it = loader.epoch(0, manager);
                DetectionBatch b = it.next()) {
            assertThat(b.images().getShape()).isEqualTo(new Shape(1, 3, 32, 32));
            float[] px = b.images().toFloatArray();
            int plane = 32 * 32;
            assertThat(px[0]).isCloseTo((1f - 0.485f) / 0.229f, within(1e-5f));
            assertThat(px[plane]).isCloseTo((128 / 255f - 0.456f) / 0.224f, within(1e-5f));
            assertThat(px[2 * plane]).isCloseTo((0f - 0.406f) / 0.225f, within(1e-5f));
            int at = 3 * 32 + 5;
            assertThat(px[at]).isCloseTo((0f - 0.485f) / 0.229f, within(1e-5f));
            assertThat(px[plane + at]).isCloseTo((1f - 0.456f) / 0.224f, within(1e-5f));
            assertThat(px[2 * plane + at]).isCloseTo((64 / 255f - 0.406f) / 0.225f, within(1e-5f));
            assertThat(b.metas().get(0).scaleX()).isEqualTo(1f);
        }
    }

    @Test
    void shorterSideModeCapsTheLongerSide() {
        LoaderConfig c = LoaderConfig.fromOptions(Options.of("data.loader.", LoaderConfig.options(),
                Map.of("resize", "shorter", "min-size", "100", "max-size", "150")));
        assertThat(c.scaleFor(50, 60)).isEqualTo(2.0); // 100 x 120
        assertThat(c.scaleFor(50, 100)).isEqualTo(1.5); // would be 100 x 200, capped to 75 x 150
        assertThatThrownBy(() -> LoaderConfig.fromOptions(Options.of("data.loader.", LoaderConfig.options(),
                Map.of("std", "0.2,0,0.2")))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("data.loader.std");
    }

    private static DetectionDataset synthetic(Path dir) {
        return SynthDatasetWriter.write(new SynthConfig(SynthPreset.DENSE, 7, 64, 11, 0), dir, null).train();
    }

    private static List<float[]> epochPixels(DetectionDataset ds, AugmentConfig aug, int workers, int epoch) {
        List<float[]> out = new ArrayList<>();
        LoaderConfig cfg = LoaderConfig.longerSide(64, 3, workers, true, 5);
        try (DetectionLoader loader = new DetectionLoader(ds, aug, cfg); var it = loader.epoch(epoch, manager)) {
            while (it.hasNext()) {
                try (DetectionBatch b = it.next()) {
                    out.add(b.images().toFloatArray());
                    for (var t : b.targets()) {
                        out.add(t.boxes().toFloatArray());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void augmentationIsDeterministicWhateverTheNumberOfThreads(@TempDir Path dir) {
        DetectionDataset ds = synthetic(dir.resolve("ds"));
        AugmentConfig aug = AugmentConfig.fromOptions(Options.of("data.augment.", AugmentConfig.options(),
                Map.of("crop", "0.5", "rotate", "10", "translate", "0.1", "brightness", "0.3")));
        List<float[]> one = epochPixels(ds, aug, 1, 2);
        List<float[]> three = epochPixels(ds, aug, 3, 2);
        assertThat(three).hasSameSizeAs(one);
        for (int i = 0; i < one.size(); i++) {
            assertThat(three.get(i)).as("array %d", i).containsExactly(one.get(i));
        }
        List<float[]> otherEpoch = epochPixels(ds, aug, 2, 3);
        assertThat(Arrays.equals(otherEpoch.get(0), one.get(0))).isFalse();
    }

    @Test
    void shuffleIsSeededPerEpoch(@TempDir Path dir) {
        DetectionDataset ds = synthetic(dir.resolve("ds"));
        LoaderConfig cfg = LoaderConfig.longerSide(64, 2, 2, true, 9);
        try (DetectionLoader a = new DetectionLoader(ds, AugmentConfig.NONE, cfg);
                DetectionLoader b = new DetectionLoader(ds, AugmentConfig.NONE, cfg.withWorkers(1));
                DetectionLoader fixed = new DetectionLoader(ds, AugmentConfig.NONE, plain(64, 2))) {
            assertThat(a.order(4)).containsExactly(b.order(4));
            assertThat(a.order(4)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
            assertThat(a.order(4)).isNotEqualTo(a.order(5));
            assertThat(fixed.order(4)).containsExactly(0, 1, 2, 3, 4, 5, 6);
            List<List<Long>> served = ids(a, 4);
            List<Long> expected = Arrays.stream(a.order(4)).mapToObj(i -> ds.images().get(i).id()).toList();
            assertThat(served.stream().flatMap(List::stream).toList()).isEqualTo(expected);
            assertThat(ids(b, 4)).isEqualTo(served);
        }
    }

    @Test
    void aResumedEpochServesTheSameBatchesFromItsFirstBatch(@TempDir Path dir) {
        DetectionDataset ds = synthetic(dir.resolve("ds"));
        LoaderConfig cfg = LoaderConfig.longerSide(64, 2, 2, true, 9);
        try (DetectionLoader loader = new DetectionLoader(ds, AugmentConfig.NONE, cfg)) {
            List<List<Long>> full = ids(loader, 3);
            List<List<Long>> tail = new java.util.ArrayList<>();
            try (var it = loader.epoch(3, 2, manager)) {
                while (it.hasNext()) {
                    try (DetectionBatch batch = it.next()) {
                        tail.add(batch.metas().stream().map(m -> m.imageId()).toList());
                    }
                }
            }
            assertThat(tail).isEqualTo(full.subList(2, full.size()));
            assertThatThrownBy(() -> loader.epoch(3, full.size() + 1, manager))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void epochEndsAfterTheLastBatchWithOrWithoutDropLast(@TempDir Path dir) {
        DetectionDataset ds = synthetic(dir.resolve("ds"));
        LoaderConfig keep = plain(64, 3);
        LoaderConfig drop = new LoaderConfig(keep.resizeMode(), 64, 800, 1333, 32, 3, 2, 1, false, true, 0,
                keep.mean(), keep.std());
        try (DetectionLoader k = new DetectionLoader(ds, AugmentConfig.NONE, keep);
                DetectionLoader d = new DetectionLoader(ds, AugmentConfig.NONE, drop)) {
            List<List<Long>> kept = ids(k, 0);
            assertThat(kept).extracting(List::size).containsExactly(3, 3, 1);
            assertThat(kept.get(2)).containsExactly(7L);
            assertThat(ids(d, 0)).extracting(List::size).containsExactly(3, 3);
            // a second pass over the same loader works again
            assertThat(ids(k, 1)).isEqualTo(kept);
        }
    }

    @Test
    void unreadableImageIsTheUsersDataProblem(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.png"), "not an image");
        DetectionDataset ds = new DetectionDataset(dir, CATS, List.of(
                new ImageRecord(1, "bad.png", 8, 8, List.of()), new ImageRecord(2, "missing.png", 8, 8, List.of())));
        try (DetectionLoader loader = new DetectionLoader(ds, AugmentConfig.NONE, plain(32, 1));
                var it = loader.epoch(0, manager)) {
            assertThatThrownBy(it::next).isInstanceOf(InvalidInputException.class).hasMessageContaining("bad.png");
        }
        try (DetectionLoader loader = new DetectionLoader(
                new DetectionDataset(dir, CATS, List.of(new ImageRecord(2, "missing.png", 8, 8, List.of()))),
                AugmentConfig.NONE, plain(32, 1)); var it = loader.epoch(0, manager)) {
            assertThatThrownBy(it::next).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("missing.png");
        }
    }
}
