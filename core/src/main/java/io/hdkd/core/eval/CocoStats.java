package io.hdkd.core.eval;

import java.util.List;

/**
 * The result of a COCO bbox evaluation: pycocotools' 12 summary numbers in their order, the per-class AP and the
 * share of ground-truth objects found.
 *
 * @param perClass one entry per category of the ground truth, in the dataset's class order
 * @param gtFound non-crowd ground-truth objects that have a detection of their class with IoU >= 0.5
 * @param gtCount non-crowd ground-truth objects
 */
public record CocoStats(double[] stats, List<ClassResult> perClass, long gtFound, long gtCount) {

    /** The names of {@link #stats()}, in pycocotools' {@code summarize()} order. */
    public static final List<String> NAMES =
            List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");

    /**
     * One class's figures (area "all", 100 detections).
     *
     * @param ap AP over IoU 0.50:0.95, or -1 if the class has no non-crowd ground truth
     * @param ap50 AP at IoU 0.5, or -1 likewise
     * @param gtCount the class's non-crowd ground-truth objects
     */
    public record ClassResult(int classIndex, int cocoId, String name, double ap, double ap50, long gtCount) {}

    public CocoStats {
        if (stats.length != NAMES.size()) {
            throw new IllegalArgumentException("expected " + NAMES.size() + " stats, got " + stats.length);
        }
        stats = stats.clone();
        perClass = List.copyOf(perClass);
    }

    @Override
    public double[] stats() {
        return stats.clone();
    }

    /** The stat called {@code name} (one of {@link #NAMES}); -1 means undefined, as in pycocotools. */
    public double get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no stat named " + name + "; known: " + NAMES);
        }
        return stats[i];
    }

    public double ap() {
        return stats[0];
    }

    /**
     * The share of non-crowd ground-truth objects found, hdkd's simple companion to mAP: an object counts as found
     * if one of the (at most 100, as for mAP) best-scored detections of its class in its image overlaps it with
     * IoU >= 0.5 (no one-to-one matching, no score threshold). NaN if there is no non-crowd ground truth.
     */
    public double foundShare() {
        return gtCount == 0 ? Double.NaN : (double) gtFound / gtCount;
    }
}
