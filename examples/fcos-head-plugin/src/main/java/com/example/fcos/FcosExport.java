package com.example.fcos;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.api.export.OnnxGraph;
import io.hdkd.api.export.OnnxGraph.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link FcosHead#decode} as ONNX nodes, for {@code hdkd export --decode} (one image, network-input pixels): per level,
 * sigmoid class probabilities, the {@code topk-candidates} best (location, class) pairs, class {@code = i mod C} and
 * location {@code = i div C}, the box from the location's centre (constants of the fixed input size) and its four
 * distances, clipped to the input, scored {@code sqrt(p x sigmoid(centerness))}; a candidate counts only where its
 * class probability is above {@code score-threshold}. Then class-wise {@code NonMaxSuppression} (one score row per
 * class, -1 where the candidate does not count or is of another class, dropped by a threshold below every real score)
 * and the best {@code max-detections}, best first.
 */
final class FcosExport {

    private final OnnxGraph g;
    private final NDManager m;

    private FcosExport(OnnxGraph g, NDManager m) {
        this.g = g;
        this.m = m;
    }

    static DetectionOutputs.Values decode(OnnxGraph g, List<Value> raw, FcosConfig config, int[] strides,
            int numClasses, int height, int width) {
        try (NDManager m = NDManager.newBaseManager()) {
            return new FcosExport(g, m).decode(raw, config, strides, numClasses, height, width);
        }
    }

    private DetectionOutputs.Values decode(List<Value> raw, FcosConfig config, int[] strides, int numClasses,
            int height, int width) {
        int n = strides.length;
        List<Value> boxes = new ArrayList<>();
        List<Value> scores = new ArrayList<>();
        List<Value> labels = new ArrayList<>();
        List<Value> counts = new ArrayList<>();
        Value classes = longs("num_classes", numClasses);
        for (int l = 0; l < n; l++) {
            Value flat = g.reshape(g.sigmoid(raw.get(l)), -1);
            Value k = op("Min", g.node("Shape", List.of(flat), 1, Map.of()).get(0),
                    longs("topk", config.topkCandidates()));
            List<Value> top = g.node("TopK", List.of(flat, k), 2, Map.of("axis", 0L, "largest", 1L, "sorted", 1L));
            Value probability = top.get(0);
            Value index = top.get(1);
            Value location = op("Div", index, classes);
            Value centre = gather(points(l, strides[l], height, width), location);
            Value distances = gather(g.reshape(raw.get(n + l), -1, 4), location);
            Value box = g.concat(1, List.of(
                    op("Sub", g.slice(centre, 1, 0, 1), g.slice(distances, 1, 0, 1)),
                    op("Sub", g.slice(centre, 1, 1, 2), g.slice(distances, 1, 1, 2)),
                    g.add(g.slice(centre, 1, 0, 1), g.slice(distances, 1, 2, 3)),
                    g.add(g.slice(centre, 1, 1, 2), g.slice(distances, 1, 3, 4))));
            Value centreness = g.sigmoid(gather(g.reshape(raw.get(2 * n + l), -1), location));
            boxes.add(clip(box, width, height));
            scores.add(g.node("Sqrt", List.of(op("Mul", probability, centreness)), 1, Map.of()).get(0));
            labels.add(op("Mod", index, classes));
            counts.add(op("Greater", probability, floats("score_threshold", (float) config.scoreThreshold())));
        }
        Value allBoxes = g.concat(0, boxes);
        Value allScores = g.concat(0, scores);
        Value allLabels = g.concat(0, labels);
        Value allCount = g.concat(0, counts);
        long[] ids = new long[numClasses];
        for (int c = 0; c < numClasses; c++) {
            ids[c] = c;
        }
        Value classIds = g.constant("class_ids", m.create(ids, new Shape(numClasses, 1)));
        Value own = op("And", op("Equal", g.reshape(allLabels, 1, -1), classIds), g.reshape(allCount, 1, -1));
        Value perClass = g.node("Where", List.of(own, g.reshape(allScores, 1, -1), floats("not_counted", -1f)), 1,
                Map.of()).get(0);
        Value selected = g.node("NonMaxSuppression", List.of(
                g.reshape(allBoxes, 1, -1, 4),
                g.reshape(perClass, 1, numClasses, -1),
                longs("max_per_class", config.maxDetections()),
                floats("iou_threshold", (float) config.nmsThreshold()),
                // below every sqrt score (>= 0), above the -1 of candidates that do not count
                floats("nms_score_threshold", -0.5f)), 1, Map.of("center_point_box", 0L)).get(0);
        Value kept = g.reshape(g.slice(selected, 1, 2, 3), -1);
        Value keptScores = gather(allScores, kept);
        Value k = op("Min", g.node("Shape", List.of(kept), 1, Map.of()).get(0),
                longs("max_detections", config.maxDetections()));
        List<Value> best = g.node("TopK", List.of(keptScores, k), 2, Map.of("axis", 0L, "largest", 1L, "sorted", 1L));
        Value order = gather(kept, best.get(1));
        return new DetectionOutputs.Values(gather(allBoxes, order), best.get(0), gather(allLabels, order));
    }

    /**
     * The level's location centres for the fixed input, {@code (H_l W_l) x 2}, rows {@code y W_l + x}: FCOS's
     * {@code (floor(s / 2) + x s, floor(s / 2) + y s)} on the {@code ceil(H / s) x ceil(W / s)} grid, as
     * {@code FcosHead.locations}.
     */
    private Value points(int level, int stride, int height, int width) {
        int h = (height + stride - 1) / stride;
        int w = (width + stride - 1) / stride;
        float offset = (float) Math.floor(stride / 2.0);
        float[] xy = new float[2 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int row = y * w + x;
                xy[2 * row] = (float) x * stride + offset;
                xy[2 * row + 1] = (float) y * stride + offset;
            }
        }
        return g.constant("fcos_points_l" + level, m.create(xy, new Shape((long) h * w, 2)));
    }

    private Value clip(Value boxes, int width, int height) {
        Value zero = floats("zero", 0f);
        Value max = g.constant("clip_max", m.create(new float[] {width, height, width, height}, new Shape(1, 4)));
        return op("Min", g.max(boxes, zero), max);
    }

    private Value gather(Value data, Value indices) {
        return g.node("Gather", List.of(data, indices), 1, Map.of("axis", 0L)).get(0);
    }

    private Value op(String type, Value a, Value b) {
        return g.node(type, List.of(a, b), 1, Map.of()).get(0);
    }

    private Value floats(String hint, float v) {
        return g.constant(hint, m.create(new float[] {v}));
    }

    private Value longs(String hint, long v) {
        return g.constant(hint, m.create(new long[] {v}));
    }
}
