package io.hdkd.plugin.retinanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxCoderTest {

    @Test
    void encodesAHandCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            BoxCoder coder = new BoxCoder(new double[] {1, 1, 1, 1});
            NDArray anchor = m.create(new float[] {0, 0, 10, 10}, new Shape(1, 4));
            NDArray box = m.create(new float[] {5, 5, 25, 15}, new Shape(1, 4));
            // Centres (5, 5) -> (15, 10), sizes 10x10 -> 20x10.
            assertThat(coder.encode(box, anchor).toFloatArray())
                    .containsExactly(new float[] {1f, 0.5f, (float) Math.log(2), 0f}, offset(1e-6f));
            BoxCoder weighted = new BoxCoder(new double[] {10, 10, 5, 5});
            assertThat(weighted.encode(box, anchor).toFloatArray())
                    .containsExactly(new float[] {10f, 5f, (float) (5 * Math.log(2)), 0f}, offset(1e-5f));
        }
    }

    @Test
    void decodeInvertsEncode() {
        Random random = new Random(7);
        float[] anchors = new float[200 * 4];
        float[] boxes = new float[200 * 4];
        fill(random, anchors);
        fill(random, boxes);
        try (NDManager m = NDManager.newBaseManager()) {
            for (double[] w : new double[][] {{1, 1, 1, 1}, {10, 10, 5, 5}}) {
                BoxCoder coder = new BoxCoder(w);
                NDArray a = m.create(anchors, new Shape(200, 4));
                NDArray b = m.create(boxes, new Shape(200, 4));
                float[] back = coder.decode(coder.encode(b, a), a).toFloatArray();
                assertThat(back).containsExactly(boxes, offset(2e-3f));
            }
        }
    }

    @Test
    void decodingClampsHugeSizeDeltas() {
        try (NDManager m = NDManager.newBaseManager()) {
            BoxCoder coder = new BoxCoder(new double[] {1, 1, 1, 1});
            NDArray anchor = m.create(new float[] {0, 0, 16, 16}, new Shape(1, 4));
            float[] box = coder.decode(m.create(new float[] {0, 0, 100, 100}, new Shape(1, 4)), anchor).toFloatArray();
            // exp(log(1000 / 16)) * 16 = 1000 wide, centred on 8.
            assertThat(box).containsExactly(new float[] {-492f, -492f, 508f, 508f}, offset(1e-2f));
        }
    }

    /** Sizes 20..300, so no size ratio reaches the decoding clamp (1000 / 16). */
    private static void fill(Random random, float[] boxes) {
        for (int i = 0; i < boxes.length; i += 4) {
            float x = random.nextFloat() * 500;
            float y = random.nextFloat() * 500;
            boxes[i] = x;
            boxes[i + 1] = y;
            boxes[i + 2] = x + 20 + random.nextFloat() * 280;
            boxes[i + 3] = y + 20 + random.nextFloat() * 280;
        }
    }
}
