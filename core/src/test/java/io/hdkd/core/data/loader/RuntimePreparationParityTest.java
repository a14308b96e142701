package io.hdkd.core.data.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.augment.Augmenter;
import io.hdkd.runtime.HdkdModelInfo;
import io.hdkd.runtime.ImagePreparer;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hdkd-runtime prepares images for exported models outside hdkd, with its own copy of the loader's arithmetic (it
 * must not depend on core). This keeps the two one: for images of odd sizes and layouts, in both resize modes, the
 * runtime's network input is the loader's evaluation input bit for bit, zero-padded, with the same scales.
 */
class RuntimePreparationParityTest {

    @TempDir
    Path dir;

    @Test
    void theRuntimePreparesImagesAsTheLoaderDoes() throws Exception {
        int[][] sizes = {{37, 23}, {64, 64}, {20, 50}, {130, 77}, {1, 9}};
        int[] types = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY,
            BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB};
        SplittableRandom random = new SplittableRandom(7);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            BufferedImage img = new BufferedImage(sizes[i][0], sizes[i][1], types[i]);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, 0xff000000 | random.nextInt(0x1000000));
                }
            }
            String name = "img" + i + ".png";
            ImageIO.write(img, "png", dir.resolve(name).toFile());
            records.add(new ImageRecord(i + 1, name, img.getWidth(), img.getHeight(), List.of()));
        }
        DetectionDataset dataset = new DetectionDataset(dir, List.of(new Category(1, "a")), records);
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};

        LoaderConfig longer = new LoaderConfig(LoaderConfig.ResizeMode.LONGER, 64, 800, 1333, 32, 1, 1, 1, false,
                false, 0, mean, std);
        compare(dataset, longer, new HdkdModelInfo.Resize(true, 64, 800, 1333), 64, mean, std);
        LoaderConfig shorter = new LoaderConfig(LoaderConfig.ResizeMode.SHORTER, 64, 48, 80, 32, 1, 1, 1, false,
                false, 0, mean, std);
        compare(dataset, shorter, new HdkdModelInfo.Resize(false, 64, 48, 80), 80, mean, std);
    }

    private static void compare(DetectionDataset dataset, LoaderConfig config, HdkdModelInfo.Resize resize,
            int inputSize, float[] mean, float[] std) throws Exception {
        SamplePreparer loader = new SamplePreparer(dataset, new Augmenter(AugmentConfig.NONE), config);
        ImagePreparer runtime = new ImagePreparer(new HdkdModelInfo("parity.onnx", List.of("a"), List.of(1),
                inputSize, mean, std, resize, "retinanet", "test"));
        for (int i = 0; i < dataset.images().size(); i++) {
            PreparedSample want = loader.prepare(0, i);
            ImagePreparer.Prepared got = runtime.prepare(ImageIO.read(dataset.imageDir()
                    .resolve(dataset.images().get(i).fileName()).toFile()));
            String what = config.resizeMode() + " image " + i;
            assertThat(got.resizedWidth()).as(what).isEqualTo(want.image().width());
            assertThat(got.resizedHeight()).as(what).isEqualTo(want.image().height());
            assertThat(got.scaleX()).as(what).isEqualTo(want.meta().scaleX());
            assertThat(got.scaleY()).as(what).isEqualTo(want.meta().scaleY());
            int w = want.image().width();
            int h = want.image().height();
            float[] expected = new float[3 * inputSize * inputSize];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(want.image().data(), (c * h + y) * w, expected, (c * inputSize + y) * inputSize,
                            w);
                }
            }
            assertThat(got.input()).as(what).containsExactly(expected);
        }
    }
}
