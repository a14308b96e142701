package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one image's ground truth and teacher detections into the targets the student's head is trained on by the
 * {@code detections} loss: the teacher's boxes filtered (score threshold, top-k), their scores sharpened
 * ({@code s^power}), merged with the ground truth, and, for a head without soft-target support, cut to hard
 * pseudo-labels. Plain Java on a few dozen boxes per image; the arrays it returns belong to the given manager.
 */
final class DetectionTargets {

    /** How teacher boxes and ground truth combine. */
    enum Merge {
        /** Every ground-truth box (score 1) plus each teacher box that matches none of them. */
        UNION,
        /** The teacher's boxes alone: ground truth is not used by this term. */
        TEACHER,
        /**
         * As union, but a ground-truth box the teacher found (same class, IoU at least the match threshold) takes
         * the teacher's score: the teacher's confidence in each object becomes its weight. Boxes it missed stay at 1.
         */
        RESCORED
    }

    record Settings(double scoreThreshold, int topK, double scorePower, Merge merge, double matchIou,
            double hardThreshold) {}

    /** One image's merged boxes, and how many of them came from the teacher alone. */
    record Merged(float[] boxes, int[] labels, float[] scores, int fromTeacher) {
        int size() {
            return labels.length;
        }

        /** As targets: scored when {@code soft}, else hard pseudo-labels (scores below the threshold dropped). */
        ImageTargets toTargets(NDManager manager, boolean soft, double hardThreshold) {
            if (soft) {
                return new ImageTargets(manager.create(boxes, new Shape(size(), 4)),
                        manager.create(labels, new Shape(size())), manager.create(scores, new Shape(size())));
            }
            List<Integer> keep = new ArrayList<>();
            for (int k = 0; k < size(); k++) {
                if (scores[k] >= hardThreshold) {
                    keep.add(k);
                }
            }
            float[] b = new float[4 * keep.size()];
            int[] l = new int[keep.size()];
            for (int j = 0; j < keep.size(); j++) {
                int k = keep.get(j);
                System.arraycopy(boxes, 4 * k, b, 4 * j, 4);
                l[j] = labels[k];
            }
            return new ImageTargets(manager.create(b, new Shape(l.length, 4)), manager.create(l, new Shape(l.length)));
        }
    }

    private DetectionTargets() {}

    static Merged merge(ImageTargets groundTruth, ImageTargets teacher, Settings s) {
        float[] gtBoxes = groundTruth.boxes().toType(DataType.FLOAT32, false).toFloatArray();
        int[] gtLabels = groundTruth.labels().toType(DataType.INT32, false).toIntArray();
        float[] tBoxes = teacher.boxes().toType(DataType.FLOAT32, false).toFloatArray();
        int[] tLabels = teacher.labels().toType(DataType.INT32, false).toIntArray();
        float[] tScores = teacher.scoresOrOnes().toType(DataType.FLOAT32, false).toFloatArray();

        // Teacher boxes above the threshold, best first, at most top-k.
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < tLabels.length; k++) {
            if (tScores[k] >= s.scoreThreshold()) {
                order.add(k);
            }
        }
        order.sort((a, b) -> Float.compare(tScores[b], tScores[a]));
        if (order.size() > s.topK()) {
            order = order.subList(0, s.topK());
        }

        List<float[]> boxes = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        boolean[] matchedToGt = new boolean[tLabels.length];
        if (s.merge() != Merge.TEACHER) {
            for (int g = 0; g < gtLabels.length; g++) {
                float[] gb = box(gtBoxes, g);
                float score = 1f;
                float best = -1f;
                for (int k : order) {
                    if (tLabels[k] == gtLabels[g] && iou(gb, box(tBoxes, k)) >= s.matchIou()) {
                        matchedToGt[k] = true;
                        best = Math.max(best, sharpen(tScores[k], s.scorePower()));
                    }
                }
                if (s.merge() == Merge.RESCORED && best >= 0) {
                    score = best;
                }
                boxes.add(gb);
                labels.add(gtLabels[g]);
                scores.add(score);
            }
        }
        int fromTeacher = 0;
        for (int k : order) {
            if (matchedToGt[k]) {
                continue;
            }
            boxes.add(box(tBoxes, k));
            labels.add(tLabels[k]);
            scores.add(sharpen(tScores[k], s.scorePower()));
            fromTeacher++;
        }
        float[] b = new float[4 * boxes.size()];
        int[] l = new int[labels.size()];
        float[] sc = new float[scores.size()];
        for (int j = 0; j < l.length; j++) {
            System.arraycopy(boxes.get(j), 0, b, 4 * j, 4);
            l[j] = labels.get(j);
            sc[j] = scores.get(j);
        }
        return new Merged(b, l, sc, fromTeacher);
    }

    static float sharpen(float score, double power) {
        return power == 1 ? score : (float) Math.pow(score, power);
    }

    private static float[] box(float[] boxes, int k) {
        return new float[] {boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]};
    }

    static double iou(float[] a, float[] b) {
        double iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
