package io.hdkd.api.head;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchedNmsTest {

    @Test
    void agreesWithANaivePerClassGreedyNmsOnRandomBoxes() {
        Random random = new Random(11);
        for (int trial = 0; trial < 5; trial++) {
            int n = 612;
            float[] boxes = new float[n * 4];
            float[] scores = new float[n];
            long[] labels = new long[n];
            for (int i = 0; i < n; i++) {
                // Clustered so that many boxes overlap.
                float cx = 20 + random.nextInt(4) * 40 + random.nextFloat() * 8;
                float cy = 20 + random.nextInt(4) * 40 + random.nextFloat() * 8;
                float w = 20 + random.nextFloat() * 20;
                float h = 20 + random.nextFloat() * 20;
                boxes[4 * i] = cx - w / 2;
                boxes[4 * i + 1] = cy - h / 2;
                boxes[4 * i + 2] = cx + w / 2;
                boxes[4 * i + 3] = cy + h / 2;
                scores[i] = random.nextFloat();
                labels[i] = random.nextInt(3);
            }
            double threshold = 0.3 + 0.1 * trial;
            long[] expected = naive(boxes, scores, labels, threshold);
            try (NDManager m = NDManager.newBaseManager()) {
                long[] actual = BatchedNms.keep(m.create(boxes, new Shape(n, 4)), m.create(scores), m.create(labels),
                        threshold, Integer.MAX_VALUE);
                assertThat(actual).containsExactly(expected);
                assertThat(expected.length).isBetween(10, n - 10);
                long[] firstTen = BatchedNms.keep(m.create(boxes, new Shape(n, 4)), m.create(scores),
                        m.create(labels), threshold, 10);
                assertThat(firstTen).containsExactly(java.util.Arrays.copyOf(expected, 10));
            }
        }
    }

    /**
     * NMS leaves nothing in the candidates' manager: a decoder closes that only after the whole batch, and NMS's
     * temporaries (once blocks of IoU rows) piled up there, a gigabyte per evaluation.
     */
    @Test
    void leavesNoArraysInTheCandidatesManager() {
        int n = 522;
        Random random = new Random(5);
        float[] boxes = new float[n * 4];
        float[] scoreValues = new float[n];
        long[] labelValues = new long[n];
        for (int i = 0; i < n; i++) {
            scoreValues[i] = random.nextFloat();
            labelValues[i] = random.nextInt(3);
            float x = random.nextFloat() * 100;
            float y = random.nextFloat() * 100;
            boxes[4 * i] = x;
            boxes[4 * i + 1] = y;
            boxes[4 * i + 2] = x + 10 + random.nextFloat() * 20;
            boxes[4 * i + 3] = y + 10 + random.nextFloat() * 20;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            var candidates = m.create(boxes, new Shape(n, 4));
            var scores = m.create(scoreValues);
            var labels = m.create(labelValues);
            int before = m.getManagedArrays().size();
            assertThat(BatchedNms.keep(candidates, scores, labels, 0.5, 100)).isNotEmpty();
            assertThat(m.getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void noCandidatesKeepNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(BatchedNms.keep(m.zeros(new Shape(0, 4)), m.zeros(new Shape(0)), m.zeros(new Shape(0)), 0.5,
                    100)).isEmpty();
        }
    }

    /** Textbook greedy NMS in double, per class, then merged by score. */
    private static long[] naive(float[] b, float[] scores, long[] labels, double threshold) {
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<Integer> kept = new ArrayList<>();
        for (int i : order) {
            boolean suppressed = false;
            for (int j : kept) {
                if (labels[i] == labels[j] && iou(b, i, j) > threshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(i);
            }
        }
        return kept.stream().mapToLong(Integer::longValue).toArray();
    }

    private static double iou(float[] b, int i, int j) {
        double w = Math.max(0, Math.min(b[4 * i + 2], b[4 * j + 2]) - Math.max(b[4 * i], b[4 * j]));
        double h = Math.max(0, Math.min(b[4 * i + 3], b[4 * j + 3]) - Math.max(b[4 * i + 1], b[4 * j + 1]));
        double inter = w * h;
        double ai = (double) (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
        double aj = (double) (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
        return inter / (ai + aj - inter);
    }
}
