package io.hdkd.plugin.cornernet;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;

/** Creates {@link CornerNetHead}s; see that class for the architecture and the choice of level. */
public final class CornerNetHeadFactory implements HeadFactory {

    @Override
    public String name() {
        return "cornernet";
    }

    @Override
    public String description() {
        return "CornerNet head: anchor-free detection of objects as top-left/bottom-right corner pairs with corner "
                + "pooling, grouped by embeddings, on one feature level.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.string("level", "p3",
                        "feature level the head reads, one of the input levels: p3 (stride 8) by default; p2 (stride 4, with "
                                + "p2 in the FPN's levels) for small objects at about 4x the cost"),
                OptionSpec.integer("channels", 128, "width of the corner prediction modules and output heads").atLeast(1),
                OptionSpec.number("min-overlap", 0.3,
                        "IoU a box with corners displaced by the Gaussian radius keeps with the ground truth").range(0.01, 0.99),
                OptionSpec.number("pull-weight", 0.1, "weight of the embedding pull (grouping) loss").atLeast(0),
                OptionSpec.number("push-weight", 0.1, "weight of the embedding push (separating) loss").atLeast(0),
                OptionSpec.number("push-margin", 1.0, "margin of the push loss between objects' mean embeddings").atLeast(0),
                OptionSpec.number("offset-weight", 1.0, "weight of the smooth-L1 corner offset loss").atLeast(0),
                OptionSpec.integer("top-k", 100, "corners per side kept from each heatmap when decoding").atLeast(1),
                OptionSpec.number("embedding-threshold", 0.5,
                        "largest embedding distance at which a top-left and a bottom-right corner are paired").atLeast(0),
                OptionSpec.integer("candidates", 1000, "best corner pairs kept before box NMS").atLeast(1),
                OptionSpec.number("score-threshold", 0.05, "smallest pair score (mean of corner scores) kept").range(0, 1),
                OptionSpec.number("nms-iou", 0.5, "IoU above which class-wise NMS suppresses a box").range(0, 1),
                OptionSpec.integer("max-detections", 100, "detections kept per image after NMS").atLeast(1));
    }

    @Override
    public DetectorHead create(Options options, ComponentContext context) {
        String level = options.getString("level");
        List<FeatureLevel> levels = context.inputLevels();
        int levelIndex = -1;
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).name().equals(level)) {
                levelIndex = i;
            }
        }
        if (levelIndex < 0) {
            throw new InvalidInputException("bad value for " + options.prefix() + "level: '" + level
                    + "' is not an input level of the head; available: "
                    + levels.stream().map(FeatureLevel::name).toList());
        }
        if (context.numClasses() < 1) {
            throw new InvalidInputException("the cornernet head needs at least one class, got " + context.numClasses());
        }
        positive(options, "channels");
        positive(options, "top-k");
        positive(options, "candidates");
        positive(options, "max-detections");
        double minOverlap = options.getDouble("min-overlap");
        if (!(minOverlap > 0 && minOverlap < 1)) {
            throw options.invalid("min-overlap", "must be in (0, 1)");
        }
        for (String key : List.of("pull-weight", "push-weight", "offset-weight")) {
            if (!(options.getDouble(key) >= 0)) {
                throw options.invalid(key, "must be >= 0");
            }
        }
        if (!(options.getDouble("push-margin") > 0)) {
            throw options.invalid("push-margin", "must be > 0");
        }
        if (!(options.getDouble("embedding-threshold") > 0)) {
            throw options.invalid("embedding-threshold", "must be > 0");
        }
        double scoreThreshold = options.getDouble("score-threshold");
        if (!(scoreThreshold >= 0 && scoreThreshold < 1)) {
            throw options.invalid("score-threshold", "must be in [0, 1)");
        }
        double nmsIou = options.getDouble("nms-iou");
        if (!(nmsIou > 0 && nmsIou <= 1)) {
            throw options.invalid("nms-iou", "must be in (0, 1]");
        }
        int topK = options.getInt("top-k");
        if (options.getInt("max-detections") > options.getInt("candidates")) {
            throw options.invalid("max-detections", "cannot exceed candidates (" + options.getInt("candidates") + ")");
        }
        int stride = levels.get(levelIndex).stride();
        CornerNetHead.LossConfig loss = new CornerNetHead.LossConfig(minOverlap,
                (float) options.getDouble("pull-weight"), (float) options.getDouble("push-weight"),
                (float) options.getDouble("push-margin"), (float) options.getDouble("offset-weight"));
        CornerDecoder decoder = new CornerDecoder(stride, topK, (float) options.getDouble("embedding-threshold"),
                options.getInt("candidates"), (float) scoreThreshold, (float) nmsIou, options.getInt("max-detections"));
        return new CornerNetHead(context.numClasses(), levelIndex, stride, options.getInt("channels"), loss, decoder);
    }

    private static void positive(Options options, String key) {
        if (options.getInt(key) < 1) {
            throw options.invalid(key, "must be >= 1");
        }
    }
}
