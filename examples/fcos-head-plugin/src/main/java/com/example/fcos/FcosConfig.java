package com.example.fcos;

import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;

/**
 * The FCOS head's validated options.
 *
 * @param sizeBoundaries the {@code L - 1} limits between the levels' regression ranges: a location of level
 *     {@code l} learns an object only if its largest distance to the object's sides is in
 *     {@code (boundary[l - 1], boundary[l]]} (the first level starts at 0, the last is unbounded)
 */
record FcosConfig(int numConvs, int groupNormGroups, double priorProb, double alpha, double gamma,
        double centerSamplingRadius, double[] sizeBoundaries, double scoreThreshold, int topkCandidates,
        double nmsThreshold, int maxDetections) {

    static final String NUM_CONVS = "num-convs";
    static final String GN_GROUPS = "gn-groups";
    static final String PRIOR_PROB = "prior-prob";
    static final String ALPHA = "focal-alpha";
    static final String GAMMA = "focal-gamma";
    static final String CENTER_SAMPLING = "center-sampling-radius";
    static final String SIZE_RANGES = "size-ranges";
    static final String SCORE_THRESHOLD = "score-threshold";
    static final String TOPK = "topk-candidates";
    static final String NMS_THRESHOLD = "nms-threshold";
    static final String MAX_DETECTIONS = "max-detections";

    static final List<OptionSpec> SPECS = List.of(
            OptionSpec.integer(NUM_CONVS, 4, "conv3x3 + GroupNorm + ReLU layers in each of the class and box towers"),
            OptionSpec.integer(GN_GROUPS, 32, "GroupNorm groups in the towers (must divide the channels); 0: no"
                    + " normalisation"),
            OptionSpec.number(PRIOR_PROB, 0.01, "initial foreground probability of every location and class"),
            OptionSpec.number(ALPHA, 0.25, "focal loss alpha (weight of positives)"),
            OptionSpec.number(GAMMA, 2.0, "focal loss gamma"),
            OptionSpec.number(CENTER_SAMPLING, 1.5, "a location is positive only within this many strides of an"
                    + " object's centre (FCOS's centre sampling); 0: anywhere inside the box"),
            OptionSpec.list(SIZE_RANGES, "", "limits between the levels' regression ranges, one fewer than levels"
                    + " (FCOS: 64, 128, 256, 512 for p3..p7); empty: 8 x each level's stride"),
            OptionSpec.number(SCORE_THRESHOLD, 0.05, "decoding: class probability below which a candidate is dropped"),
            OptionSpec.integer(TOPK, 1000, "decoding: best candidates kept per level before NMS"),
            OptionSpec.number(NMS_THRESHOLD, 0.6, "decoding: IoU above which NMS suppresses a box of the same class"),
            OptionSpec.integer(MAX_DETECTIONS, 100, "decoding: detections kept per image"));

    static FcosConfig from(Options o, List<FeatureLevel> levels) {
        int numConvs = o.getInt(NUM_CONVS);
        if (numConvs < 0) {
            throw o.invalid(NUM_CONVS, "expected 0 or more");
        }
        int channels = levels.get(0).channels();
        for (FeatureLevel l : levels) {
            if (l.channels() != channels) {
                throw new InvalidInputException("the fcos head shares its towers over all levels, so they need the"
                        + " same channels; got " + levels);
            }
        }
        int groups = o.getInt(GN_GROUPS);
        if (groups < 0 || (groups > 0 && channels % groups != 0)) {
            throw o.invalid(GN_GROUPS, "expected 0 or a divisor of the " + channels + " input channels");
        }
        double prior = o.getDouble(PRIOR_PROB);
        if (!(prior > 0 && prior < 1)) {
            throw o.invalid(PRIOR_PROB, "expected a probability strictly between 0 and 1");
        }
        if (o.getDouble(GAMMA) < 0) {
            throw o.invalid(GAMMA, "expected 0 or more");
        }
        if (o.getDouble(ALPHA) > 1) {
            throw o.invalid(ALPHA, "expected at most 1 (negative: no weighting)");
        }
        if (o.getDouble(CENTER_SAMPLING) < 0) {
            throw o.invalid(CENTER_SAMPLING, "expected 0 or more");
        }
        double[] bounds = boundaries(o, levels);
        double score = o.getDouble(SCORE_THRESHOLD);
        if (score < 0 || score >= 1) {
            throw o.invalid(SCORE_THRESHOLD, "expected a probability in [0, 1)");
        }
        if (o.getInt(TOPK) < 1) {
            throw o.invalid(TOPK, "expected a positive integer");
        }
        double nms = o.getDouble(NMS_THRESHOLD);
        if (!(nms > 0 && nms <= 1)) {
            throw o.invalid(NMS_THRESHOLD, "expected an IoU in (0, 1]");
        }
        if (o.getInt(MAX_DETECTIONS) < 1) {
            throw o.invalid(MAX_DETECTIONS, "expected a positive integer");
        }
        return new FcosConfig(numConvs, groups, prior, o.getDouble(ALPHA), o.getDouble(GAMMA),
                o.getDouble(CENTER_SAMPLING), bounds, score, o.getInt(TOPK), nms, o.getInt(MAX_DETECTIONS));
    }

    private static double[] boundaries(Options o, List<FeatureLevel> levels) {
        List<String> given = o.getList(SIZE_RANGES);
        double[] bounds = new double[levels.size() - 1];
        if (given.isEmpty()) {
            for (int l = 0; l < bounds.length; l++) {
                bounds[l] = 8.0 * levels.get(l).stride();
            }
            return bounds;
        }
        if (given.size() != bounds.length) {
            throw o.invalid(SIZE_RANGES, "expected " + bounds.length + " limits for the " + levels.size()
                    + " levels " + levels.stream().map(FeatureLevel::name).toList());
        }
        for (int l = 0; l < bounds.length; l++) {
            try {
                bounds[l] = Double.parseDouble(given.get(l));
            } catch (NumberFormatException e) {
                throw o.invalid(SIZE_RANGES, "'" + given.get(l) + "' is not a number");
            }
            if (!(bounds[l] > 0) || (l > 0 && bounds[l] <= bounds[l - 1])) {
                throw o.invalid(SIZE_RANGES, "expected positive limits in increasing order");
            }
        }
        return bounds;
    }
}
