package io.hdkd.api.head;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.Detection;
import io.hdkd.api.ImageMeta;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionsTest {

    @Test
    void suppressesMapsBackToTheOriginalAndClips() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] boxes = {
                0, 0, 20, 20, // class 2, score 0.5, suppressed by the next
                2, 0, 22, 20, // class 2, score 0.9
                40, 10, 90, 30 // class 0, score 0.7, its right side beyond the original width after scaling
            };
            // The original (40 x 25) was resized by 2 x 2 into the input.
            ImageMeta meta = new ImageMeta(7, 40, 25, 2f, 2f);
            List<Detection> out = Detections.select(m.create(boxes, new Shape(3, 4)),
                    m.create(new float[] {0.5f, 0.9f, 0.7f}), m.create(new int[] {2, 2, 0}), meta, 0.5, 10);
            assertThat(out).containsExactly(new Detection(2, 0.9f, 1, 0, 11, 10), new Detection(0, 0.7f, 20, 5, 40, 15));

            assertThat(Detections.select(m.create(boxes, new Shape(3, 4)), m.create(new float[] {0.5f, 0.9f, 0.7f}),
                    m.create(new int[] {2, 2, 0}), meta, 0.5, 1)).hasSize(1);
            assertThat(Detections.select(m.zeros(new Shape(0, 4)), m.zeros(new Shape(0)), m.zeros(new Shape(0)), meta,
                    0.5, 10)).isEmpty();
        }
    }
}
