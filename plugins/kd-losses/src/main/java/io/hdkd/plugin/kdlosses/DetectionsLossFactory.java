package io.hdkd.plugin.kdlosses;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;
import java.util.Locale;

/** Creates {@link DetectionsLoss}: teacher detections as targets of the student's own head. */
public final class DetectionsLossFactory implements DistillationLossFactory {

    static final String SCORE_THRESHOLD = "score-threshold";
    static final String TOP_K = "top-k";
    static final String SCORE_POWER = "score-power";
    static final String MERGE = "merge";
    static final String MATCH_IOU = "match-iou";
    static final String HARD_THRESHOLD = "hard-threshold";
    static final String TARGETS = "targets";

    @Override
    public String name() {
        return "detections";
    }

    @Override
    public String description() {
        return "the teacher's detections (merged with the ground truth) as training targets of the student's own head,"
                + " soft (scored) where the head accepts soft targets, hard pseudo-labels otherwise; works across head"
                + " types";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.number(SCORE_THRESHOLD, 0.3, "teacher boxes scoring below this are not used"),
                OptionSpec.integer(TOP_K, 100, "at most this many teacher boxes per image, best first"),
                OptionSpec.number(SCORE_POWER, 1.0, "scores are sharpened to s^power before use: below 1 lifts the"
                        + " under-confident scores of a focal-loss teacher toward 1, above 1 pushes them toward 0"),
                OptionSpec.choice(MERGE, "union", "union: ground truth (score 1) plus the teacher boxes that match no"
                        + " ground-truth box; teacher: the teacher's boxes alone; rescored: as union, with each"
                        + " ground-truth box the teacher found scored by the teacher", "union", "teacher", "rescored"),
                OptionSpec.number(MATCH_IOU, 0.5, "a teacher box of the same class overlapping a ground-truth box at"
                        + " least this much (IoU) is that object"),
                OptionSpec.number(HARD_THRESHOLD, 0.5, "for hard targets: boxes whose (sharpened) score is at least"
                        + " this become hard pseudo-labels"),
                OptionSpec.choice(TARGETS, "auto", "auto: soft (scored) targets where the student's head accepts"
                        + " them, hard pseudo-labels otherwise; hard: hard pseudo-labels for every head", "auto",
                        "hard"));
    }

    @Override
    public DistillationLoss create(Options options, ComponentContext context) {
        double threshold = options.getDouble(SCORE_THRESHOLD);
        if (threshold < 0 || threshold > 1) {
            throw options.invalid(SCORE_THRESHOLD, "a score threshold must be in [0, 1]");
        }
        int topK = options.getInt(TOP_K);
        if (topK < 0) {
            throw options.invalid(TOP_K, "top-k must be >= 0");
        }
        double power = options.getDouble(SCORE_POWER);
        if (!(power > 0)) {
            throw options.invalid(SCORE_POWER, "the score power must be > 0");
        }
        double matchIou = options.getDouble(MATCH_IOU);
        if (!(matchIou > 0 && matchIou <= 1)) {
            throw options.invalid(MATCH_IOU, "an IoU threshold must be in (0, 1]");
        }
        double hard = options.getDouble(HARD_THRESHOLD);
        if (hard < 0 || hard > 1) {
            throw options.invalid(HARD_THRESHOLD, "a score threshold must be in [0, 1]");
        }
        DetectionTargets.Merge merge =
                DetectionTargets.Merge.valueOf(options.getString(MERGE).toUpperCase(Locale.ROOT));
        return new DetectionsLoss(new DetectionTargets.Settings(threshold, topK, power, merge, matchIou, hard),
                options.getString(TARGETS).equals("hard"));
    }
}
