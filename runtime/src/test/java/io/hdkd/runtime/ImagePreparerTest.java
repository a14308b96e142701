package io.hdkd.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImagePreparerTest {

    /** A 3-channel image whose every channel holds {@code plane} (row-major {@code height x width}). */
    private static float[] grey(float[] plane) {
        float[] rgb = new float[3 * plane.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(plane, 0, rgb, c * plane.length, plane.length);
        }
        return rgb;
    }

    /** Mean 0 and std 1 would hide normalisation bugs: the fixture's are 0.5/0.5, 0.25/0.25, 0/2. */
    private static float normalised(int channel, float v) {
        float[] mean = {0.5f, 0.25f, 0f};
        float[] std = {0.5f, 0.25f, 2f};
        return (v - mean[channel]) * (1f / std[channel]);
    }

    @Test
    void upscalesBilinearlyWithPixelCentresAndClampedTaps() {
        // 2 x 1 pixels (0 and 1), longer side to 4: centres at -0.25, 0.25, 0.75, 1.25 of the source
        ImagePreparer p = new ImagePreparer(Fixtures.info(8, "longer", 4, 800, 1333));
        ImagePreparer.Prepared out = p.prepare(grey(new float[] {0f, 1f}), 2, 1);

        assertThat(out.resizedWidth()).isEqualTo(4);
        assertThat(out.resizedHeight()).isEqualTo(2);
        assertThat(out.scaleX()).isEqualTo(2f);
        assertThat(out.scaleY()).isEqualTo(2f);
        float[] row = {0f, 0.25f, 0.75f, 1f};
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    float want = y < 2 && x < 4 ? normalised(c, row[x]) : 0f; // zero padding right and below
                    assertThat(out.input()[(c * 8 + y) * 8 + x]).as("c%d y%d x%d", c, y, x).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void anImageAlreadyAtSizeIsOnlyNormalisedAndPadded() {
        ImagePreparer p = new ImagePreparer(Fixtures.info(4, "longer", 3, 800, 1333));
        float[] plane = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}; // 3 x 2
        ImagePreparer.Prepared out = p.prepare(grey(plane), 3, 2);

        assertThat(out.scaleX()).isEqualTo(1f);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertThat(out.input()[(2 * 4 + y) * 4 + x]).isEqualTo(normalised(2, plane[y * 3 + x]));
            }
        }
        assertThat(out.input()[(0 * 4 + 3) * 4]).isZero();
    }

    @Test
    void theSizeIsRoundedAndTheScalesAreItsExactRatios() {
        // 10 x 3 to longer side 4: 4 x round(1.2) = 4 x 1, so y scales by 1/3, not 0.4
        ImagePreparer p = new ImagePreparer(Fixtures.info(4, "longer", 4, 800, 1333));
        ImagePreparer.Prepared out = p.prepare(new float[3 * 30], 10, 3);
        assertThat(out.resizedWidth()).isEqualTo(4);
        assertThat(out.resizedHeight()).isEqualTo(1);
        assertThat(out.scaleX()).isEqualTo(0.4f);
        assertThat(out.scaleY()).isEqualTo(1f / 3f);
    }

    @Test
    void boxesGoBackToImagePixelsAndAreClipped() {
        ImagePreparer p = new ImagePreparer(Fixtures.info(64, "longer", 64, 800, 1333));
        ImagePreparer.Prepared out = p.prepare(new float[3 * 100 * 50], 100, 50); // scale 0.64, 64 x 32
        float[] box = {10f, 5f, 60f, 45f};
        float[] input = {box[0] * out.scaleX(), box[1] * out.scaleY(), box[2] * out.scaleX(), box[3] * out.scaleY()};
        float[] back = out.toImage(input[0], input[1], input[2], input[3]);
        for (int i = 0; i < 4; i++) {
            assertThat(back[i]).isCloseTo(box[i], within(1e-4f));
        }
        // a box past the resized image (into the padding) is clipped to the image
        assertThat(out.toImage(-3f, -1f, 70f, 40f)).containsExactly(0f, 0f, 100f, 50f);
    }

    @Test
    void aResizeLargerThanTheInputIsRefusedByName() {
        ImagePreparer p = new ImagePreparer(Fixtures.info(32, "shorter", 32, 40, 60));
        assertThatThrownBy(() -> p.prepare(new float[3 * 100 * 50], 100, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test.onnx takes 32x32 inputs")
                .hasMessageContaining("to 60x30");
    }

    @Test
    void readsEveryImageLayoutAsTheSameRgb() {
        BufferedImage rgb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        BufferedImage bgr = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_4BYTE_ABGR);
        int[] colours = {0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0xabcdef, 0x808080};
        byte[] hwc = new byte[18];
        for (int i = 0; i < 6; i++) {
            for (BufferedImage img : new BufferedImage[] {rgb, bgr, argb}) {
                img.setRGB(i % 3, i / 3, 0xff000000 | colours[i]);
            }
            hwc[3 * i] = (byte) (colours[i] >> 16);
            hwc[3 * i + 1] = (byte) (colours[i] >> 8);
            hwc[3 * i + 2] = (byte) colours[i];
        }
        float[] want = Pixels.rgb(rgb);
        assertThat(want[3]).isCloseTo(0x12 / 255f, within(1e-7f)); // red plane, pixel (0, 1)
        assertThat(want[6 + 4]).isCloseTo(0xcd / 255f, within(1e-7f)); // green plane, pixel (1, 1)
        assertThat(Pixels.rgb(bgr)).containsExactly(want);
        assertThat(Pixels.rgb(argb)).containsExactly(want);
        assertThat(Pixels.rgb(hwc, 3, 2)).containsExactly(want);
        assertThat(Arrays.copyOfRange(want, 12, 15)).containsExactly(0f, 0f, 1f); // blue plane, first row
    }
}
