package io.hdkd.api.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class BoxesTest {

    @Test
    void iouMatrixOfHandComputedPairs() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0, 0, 10, 10, 0, 0, 0, 0}, new Shape(2, 4));
            NDArray b = m.create(new float[] {0, 0, 10, 10, 5, 0, 15, 10, 20, 20, 30, 30}, new Shape(3, 4));
            // identical: 1; half-shifted: 50 / 150; disjoint: 0; the zero-area box: 0, not NaN.
            assertThat(Boxes.iouMatrix(a, b).toFloatArray())
                    .containsExactly(new float[] {1f, 1f / 3, 0f, 0f, 0f, 0f}, offset(1e-6f));
        }
    }

    @Test
    void iouMatrixBroadcastsOverABatchOfBoxSets() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0, 0, 10, 10, 0, 0, 0, 0}, new Shape(2, 4));
            // Two images of two boxes each: the batched matrix equals each image's own, stacked.
            NDArray b = m.create(new float[] {0, 0, 10, 10, 5, 0, 15, 10, 20, 20, 30, 30, 0, 5, 10, 15},
                    new Shape(2, 2, 4));
            NDArray batched = Boxes.iouMatrix(a, b);
            assertThat(batched.getShape()).isEqualTo(new Shape(2, 2, 2));
            for (int i = 0; i < 2; i++) {
                assertThat(batched.get(i).toFloatArray()).containsExactly(Boxes.iouMatrix(a, b.get(i)).toFloatArray());
            }
            assertThat(batched.get(1).toFloatArray()).containsExactly(new float[] {0f, 1f / 3, 0f, 0f}, offset(1e-6f));
        }
    }

    @Test
    void giouOfHandComputedPairsAndItsGradientIsFinite() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pred = m.create(new float[] {0, 0, 10, 10, 5, 0, 15, 10, 20, 0, 30, 10}, new Shape(3, 4));
            NDArray target = m.create(new float[] {0, 0, 10, 10}, new Shape(1, 4));
            pred.setRequiresGradient(true);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = Boxes.giouLoss(pred, target);
                gc.backward(loss.sum());
            }
            // 1 - GIoU: identical 0; half-shifted 1 - (1/3 - (150 - 150) / 150) = 2/3;
            // disjoint with a gap: IoU 0, union 200, enclosing 300: 1 - (0 - 100 / 300) = 4/3.
            assertThat(loss.toFloatArray()).containsExactly(new float[] {0f, 2f / 3, 4f / 3}, offset(1e-5f));
            for (float g : pred.getGradient().toFloatArray()) {
                assertThat(Float.isFinite(g)).isTrue();
            }
            // Moving the disjoint box's left side towards the target lowers the loss.
            assertThat(pred.getGradient().getFloat(2, 0)).isPositive();
        }
    }

    @Test
    void distancesRoundTripAndClipBounds() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray points = m.create(new float[] {5, 5, 12, 3}, new Shape(2, 2));
            NDArray box = m.create(new float[] {2, 1, 10, 9}, new Shape(1, 4));
            NDArray d = Boxes.toDistances(points, box);
            // The second point is right of the box: its r is negative, so it is outside.
            assertThat(d.toFloatArray()).containsExactly(3, 4, 5, 4, 10, 2, -2, 6);
            assertThat(Boxes.fromDistances(points, d).toFloatArray()).containsExactly(2, 1, 10, 9, 2, 1, 10, 9);
            assertThat(Boxes.clip(m.create(new float[] {-3, 2, 50, 70}, new Shape(1, 4)), 40, 60).toFloatArray())
                    .containsExactly(0, 2, 40, 60);
            assertThat(Boxes.area(box).toFloatArray()).containsExactly(64);
        }
    }
}
