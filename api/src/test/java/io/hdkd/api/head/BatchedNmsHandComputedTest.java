package io.hdkd.api.head;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class BatchedNmsHandComputedTest {

    @Test
    void suppressesOverlapsWithinAClassOnlyAndKeepsScoreOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] boxes = {
                0, 0, 10, 10, // 0: class 0, score 0.6
                1, 0, 11, 10, // 1: class 0, score 0.9, IoU with 0 = 90 / 110 = 0.82 -> suppresses 0
                0, 0, 10, 10, // 2: class 1, same place as 0 but another class -> kept
                5, 0, 15, 10, // 3: class 0, IoU with 1 = 60 / 140 = 0.43 -> kept at 0.5
                30, 30, 40, 40 // 4: class 1, alone
            };
            float[] scores = {0.6f, 0.9f, 0.7f, 0.8f, 0.1f};
            int[] classes = {0, 0, 1, 0, 1};
            long[] kept = BatchedNms.keep(manager.create(boxes, new Shape(5, 4)), manager.create(scores),
                    manager.create(classes), 0.5, 100);
            assertThat(kept).containsExactly(1L, 3L, 2L, 4L);
            long[] strict = BatchedNms.keep(manager.create(boxes, new Shape(5, 4)), manager.create(scores),
                    manager.create(classes), 0.4, 100);
            assertThat(strict).containsExactly(1L, 2L, 4L);
        }
    }
}
