package io.hdkd.plugin.retinanet;

import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.ArrayList;
import java.util.List;

/**
 * The head's validated settings, parsed once from its {@link Options}.
 *
 * @param numConvs conv3x3+ReLU blocks in each tower
 * @param priorProb the foreground prior the class bias starts at
 * @param anchorSizes base anchor size per input level, in input pixels
 * @param anchorScales octave scales multiplied onto each base size
 * @param anchorRatios aspect ratios h/w
 * @param fgIou anchors with IoU at or above are positive
 * @param bgIou anchors with IoU below are negative (in between: ignored)
 * @param allowLowQuality each ground truth box's best anchors are made positive
 * @param alpha focal loss weight of positives (negative to disable)
 * @param gamma focal loss focusing exponent
 * @param boxLoss {@code l1}, {@code smooth-l1} or {@code giou}
 * @param smoothL1Beta the L1/L2 switch point of smooth-l1
 * @param boxWeights the box coder's weights (wx, wy, ww, wh)
 * @param normalizeByBatch divide by the batch's positives instead of each image's (torchvision: per image)
 * @param scoreThreshold decoding keeps scores above this
 * @param topkCandidates decoding keeps at most this many candidates per level and image
 * @param nmsThreshold class-wise NMS IoU threshold
 * @param maxDetections detections kept per image
 */
public record RetinaNetConfig(
        int numConvs,
        double priorProb,
        double[] anchorSizes,
        double[] anchorScales,
        double[] anchorRatios,
        double fgIou,
        double bgIou,
        boolean allowLowQuality,
        double alpha,
        double gamma,
        String boxLoss,
        double smoothL1Beta,
        double[] boxWeights,
        boolean normalizeByBatch,
        double scoreThreshold,
        int topkCandidates,
        double nmsThreshold,
        int maxDetections) {

    static final List<OptionSpec> SPECS = List.of(
            OptionSpec.integer("num-convs", 4, "conv3x3+ReLU blocks in each of the class and box towers").atLeast(0),
            OptionSpec.number("prior-prob", 0.01, "foreground probability the class logits start at (bias init)"),
            OptionSpec.list("anchor-sizes", "",
                    "base anchor size per input level in input pixels; empty: 4 x the level's stride (32..512 for p3..p7)"),
            OptionSpec.list("anchor-scales", "1.0, 1.2599210498948732, 1.5874010519681994",
                    "octave scales applied to each base size (sizes are truncated to integers, as torchvision does)"),
            OptionSpec.list("anchor-ratios", "0.5, 1.0, 2.0", "anchor aspect ratios (height / width)"),
            OptionSpec.number("fg-iou", 0.5, "anchors with IoU >= this with a ground-truth box are positive").range(0, 1),
            OptionSpec.number("bg-iou", 0.4, "anchors with IoU < this with every ground-truth box are negative").range(0, 1),
            OptionSpec.bool("allow-low-quality", true,
                    "make each ground-truth box's best anchors (all tied for its best IoU) positive"),
            OptionSpec.number("alpha", 0.25, "focal loss weight of the positive class (negative disables it)"),
            OptionSpec.number("gamma", 2.0, "focal loss focusing exponent").atLeast(0),
            OptionSpec.choice("box-loss", "l1",
                    "box regression loss on positives: l1 (torchvision, mmdet), smooth-l1 (detectron2), giou",
                    "l1", "smooth-l1", "giou"),
            OptionSpec.number("smooth-l1-beta", 1.0 / 9.0,
                    "smooth-l1 switch point between L2 and L1 (detectron/mmdet 1/9; torchvision's smooth_l1 uses 1.0)").atLeast(0),
            OptionSpec.list("box-weights", "1.0, 1.0, 1.0, 1.0", "box coder weights wx, wy, ww, wh"),
            OptionSpec.choice("loss-normalization", "image",
                    "divide each image's loss by its own positives and average over images (torchvision), "
                            + "or divide the batch's loss by the batch's positives (mmdet)",
                    "image", "batch"),
            OptionSpec.number("score-threshold", 0.05, "decoding keeps class scores above this").range(0, 1),
            OptionSpec.integer("topk-candidates", 1000, "decoding keeps at most this many candidates per level").atLeast(1),
            OptionSpec.number("nms-threshold", 0.5, "IoU above which class-wise NMS suppresses a lower-scored box").range(0, 1),
            OptionSpec.integer("max-detections", 100, "detections kept per image after NMS").atLeast(1));

    /** Parses and cross-checks the options for the given input levels. */
    static RetinaNetConfig from(Options o, List<FeatureLevel> levels) {
        if (levels.isEmpty()) {
            throw new InvalidInputException("the retinanet head needs at least one input feature level");
        }
        int channels = levels.get(0).channels();
        for (FeatureLevel l : levels) {
            if (l.channels() != channels) {
                throw new InvalidInputException("the retinanet head shares its towers across levels, so all input "
                        + "levels need the same channels; got " + levels);
            }
        }
        double[] sizes = numbers(o, "anchor-sizes");
        if (sizes.length == 0) {
            sizes = levels.stream().mapToDouble(l -> 4.0 * l.stride()).toArray();
        } else if (sizes.length != levels.size()) {
            throw o.invalid("anchor-sizes", "need one size per input level " + names(levels));
        }
        double[] scales = numbers(o, "anchor-scales");
        double[] ratios = numbers(o, "anchor-ratios");
        double[] weights = numbers(o, "box-weights");
        positive(o, "anchor-sizes", sizes);
        positive(o, "anchor-scales", scales);
        positive(o, "anchor-ratios", ratios);
        positive(o, "box-weights", weights);
        if (scales.length == 0) {
            throw o.invalid("anchor-scales", "need at least one scale");
        }
        if (ratios.length == 0) {
            throw o.invalid("anchor-ratios", "need at least one ratio");
        }
        if (weights.length != 4) {
            throw o.invalid("box-weights", "need exactly 4 weights (wx, wy, ww, wh)");
        }
        int numConvs = o.getInt("num-convs");
        if (numConvs < 0) {
            throw o.invalid("num-convs", "must be >= 0");
        }
        double prior = o.getDouble("prior-prob");
        if (!(prior > 0 && prior < 1)) {
            throw o.invalid("prior-prob", "must be strictly between 0 and 1");
        }
        double fg = o.getDouble("fg-iou");
        double bg = o.getDouble("bg-iou");
        if (!(fg > 0 && fg <= 1)) {
            throw o.invalid("fg-iou", "must be in (0, 1]");
        }
        if (bg < 0 || bg > fg) {
            throw o.invalid("bg-iou", "must be in [0, fg-iou]");
        }
        double gamma = o.getDouble("gamma");
        if (gamma < 0) {
            throw o.invalid("gamma", "must be >= 0");
        }
        if (o.getDouble("alpha") > 1) {
            throw o.invalid("alpha", "must be <= 1 (negative disables the weighting)");
        }
        if (o.getDouble("smooth-l1-beta") < 0) {
            throw o.invalid("smooth-l1-beta", "must be >= 0");
        }
        double score = o.getDouble("score-threshold");
        if (score < 0 || score >= 1) {
            throw o.invalid("score-threshold", "must be in [0, 1)");
        }
        if (o.getInt("topk-candidates") < 1) {
            throw o.invalid("topk-candidates", "must be >= 1");
        }
        double nms = o.getDouble("nms-threshold");
        if (nms <= 0 || nms > 1) {
            throw o.invalid("nms-threshold", "must be in (0, 1]");
        }
        if (o.getInt("max-detections") < 1) {
            throw o.invalid("max-detections", "must be >= 1");
        }
        return new RetinaNetConfig(numConvs, prior, sizes, scales, ratios, fg, bg,
                o.getBoolean("allow-low-quality"), o.getDouble("alpha"), gamma, o.getString("box-loss"),
                o.getDouble("smooth-l1-beta"), weights, o.getString("loss-normalization").equals("batch"), score,
                o.getInt("topk-candidates"), nms, o.getInt("max-detections"));
    }

    /** Anchors per location: scales x ratios. */
    int anchorsPerLocation() {
        return anchorScales.length * anchorRatios.length;
    }

    private static double[] numbers(Options o, String key) {
        List<String> raw = o.getList(key);
        double[] out = new double[raw.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Double.parseDouble(raw.get(i));
            } catch (NumberFormatException e) {
                throw o.invalid(key, "expected comma-separated numbers, '" + raw.get(i) + "' is not one");
            }
            if (!Double.isFinite(out[i])) {
                throw o.invalid(key, "expected finite numbers");
            }
        }
        return out;
    }

    private static void positive(Options o, String key, double[] values) {
        for (double v : values) {
            if (v <= 0) {
                throw o.invalid(key, "every value must be > 0");
            }
        }
    }

    private static List<String> names(List<FeatureLevel> levels) {
        List<String> n = new ArrayList<>();
        for (FeatureLevel l : levels) {
            n.add(l.name());
        }
        return n;
    }
}
