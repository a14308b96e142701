package io.hdkd.plugin.retinanet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.api.export.OnnxGraph;
import io.hdkd.api.export.OnnxGraph.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RetinaNet's decoding as ONNX, the same steps as {@link RetinaNetHead#decode}: per level, sigmoid scores, the top
 * {@code topk-candidates} (anchor, class) pairs, their boxes decoded from the level's anchors (constants of the fixed
 * input size) and clipped to the input; then class-wise NMS ({@code NonMaxSuppression} on one score row per class,
 * whose {@code score_threshold} drops scores not above {@code score-threshold}) and the best
 * {@code max-detections}, best first.
 */
final class RetinaNetExport {

    private RetinaNetExport() {}

    static DetectionOutputs.Values decode(OnnxGraph g, List<Value> raw, RetinaNetConfig config,
            AnchorGenerator anchorGenerator, int numClasses, int height, int width) {
        int numLevels = raw.size() / 2;
        List<Value> boxes = new ArrayList<>();
        List<Value> scores = new ArrayList<>();
        List<Value> labels = new ArrayList<>();
        BoxCoderExport coder = new BoxCoderExport(g, config.boxWeights());
        try (NDManager m = NDManager.newBaseManager()) {
            NDList anchors = anchorGenerator.anchors(m, new Shape(height, width));
            Value classes = g.constant("num_classes", m.create(new long[] {numClasses}));
            for (int l = 0; l < numLevels; l++) {
                NDArray levelAnchors = anchors.get(l);
                long rows = levelAnchors.getShape().get(0);
                long k = Math.min(config.topkCandidates(), rows * numClasses);
                Value flat = g.reshape(g.sigmoid(raw.get(l)), -1);
                List<Value> top = g.node("TopK", List.of(flat, g.constant("topk", m.create(new long[] {k}))), 2,
                        Map.of("axis", 0L, "largest", 1L, "sorted", 1L));
                Value index = top.get(1);
                Value label = g.node("Mod", List.of(index, classes), 1, Map.of()).get(0);
                Value anchorIndex = g.node("Div", List.of(index, classes), 1, Map.of()).get(0);
                Value deltas = gather(g, g.reshape(raw.get(numLevels + l), -1, 4), anchorIndex);
                Value levelBoxes = gather(g, g.constant("anchors_l" + l, levelAnchors), anchorIndex);
                boxes.add(coder.decodeAndClip(deltas, levelBoxes, width, height));
                scores.add(top.get(0));
                labels.add(label);
            }
            Value allBoxes = g.concat(0, boxes);
            Value allScores = g.concat(0, scores);
            Value allLabels = g.concat(0, labels);
            // One score row per class: a candidate scores only in its own class, 0 (never above the threshold) elsewhere.
            long[] ids = new long[numClasses];
            for (int c = 0; c < numClasses; c++) {
                ids[c] = c;
            }
            Value classIds = g.constant("class_ids", m.create(ids, new Shape(numClasses, 1)));
            Value own = g.node("Equal", List.of(g.reshape(allLabels, 1, -1), classIds), 1, Map.of()).get(0);
            Value perClass = g.node("Where", List.of(own, g.reshape(allScores, 1, -1),
                    g.constant("zero", m.create(new float[] {0f}))), 1, Map.of()).get(0);
            Value selected = g.node("NonMaxSuppression", List.of(
                    g.reshape(allBoxes, 1, -1, 4),
                    g.reshape(perClass, 1, numClasses, -1),
                    g.constant("max_per_class", m.create(new long[] {config.maxDetections()})),
                    g.constant("iou_threshold", m.create(new float[] {(float) config.nmsThreshold()})),
                    g.constant("score_threshold", m.create(new float[] {(float) config.scoreThreshold()}))),
                    1, Map.of("center_point_box", 0L)).get(0);
            Value kept = g.reshape(g.slice(selected, 1, 2, 3), -1);
            Value keptScores = gather(g, allScores, kept);
            // the best max-detections of the survivors, best first: k = min(count, max-detections)
            Value count = g.node("Shape", List.of(kept), 1, Map.of()).get(0);
            Value k = g.node("Min", List.of(count,
                    g.constant("max_detections", m.create(new long[] {config.maxDetections()}))), 1, Map.of()).get(0);
            List<Value> best = g.node("TopK", List.of(keptScores, k), 2,
                    Map.of("axis", 0L, "largest", 1L, "sorted", 1L));
            Value order = gather(g, kept, best.get(1));
            return new DetectionOutputs.Values(gather(g, allBoxes, order), best.get(0), gather(g, allLabels, order));
        }
    }

    private static Value gather(OnnxGraph g, Value data, Value indices) {
        return g.node("Gather", List.of(data, indices), 1, Map.of("axis", 0L)).get(0);
    }

    /** {@link BoxCoder#decode} and {@code Boxes.clip} as ONNX, on {@code K x 4} deltas and anchors. */
    private static final class BoxCoderExport {

        private final OnnxGraph g;
        private final double[] weights;

        BoxCoderExport(OnnxGraph g, double[] weights) {
            this.g = g;
            this.weights = weights;
        }

        Value decodeAndClip(Value deltas, Value anchors, int width, int height) {
            try (NDManager m = NDManager.newBaseManager()) {
                Value x1 = column(anchors, 0);
                Value y1 = column(anchors, 1);
                Value aw = sub(column(anchors, 2), x1);
                Value ah = sub(column(anchors, 3), y1);
                Value half = scalar(m, "half", 0.5f);
                Value acx = g.add(x1, mul(aw, half));
                Value acy = g.add(y1, mul(ah, half));
                Value dx = div(column(deltas, 0), scalar(m, "wx", (float) weights[0]));
                Value dy = div(column(deltas, 1), scalar(m, "wy", (float) weights[1]));
                Value clamp = scalar(m, "scale_clamp", (float) BoxCoder.SCALE_CLAMP);
                Value dw = op("Min", div(column(deltas, 2), scalar(m, "ww", (float) weights[2])), clamp);
                Value dh = op("Min", div(column(deltas, 3), scalar(m, "wh", (float) weights[3])), clamp);
                Value cx = g.add(mul(dx, aw), acx);
                Value cy = g.add(mul(dy, ah), acy);
                Value halfW = mul(mul(exp(dw), aw), half);
                Value halfH = mul(mul(exp(dh), ah), half);
                Value zero = scalar(m, "zero", 0f);
                Value w = scalar(m, "width", width);
                Value h = scalar(m, "height", height);
                return g.concat(1, List.of(
                        clip(sub(cx, halfW), zero, w), clip(sub(cy, halfH), zero, h),
                        clip(g.add(cx, halfW), zero, w), clip(g.add(cy, halfH), zero, h)));
            }
        }

        private Value column(Value x, int j) {
            return g.slice(x, 1, j, j + 1);
        }

        private Value scalar(NDManager m, String hint, float v) {
            return g.constant(hint, m.create(new float[] {v}));
        }

        private Value clip(Value x, Value lo, Value hi) {
            return op("Min", op("Max", x, lo), hi);
        }

        private Value sub(Value a, Value b) {
            return op("Sub", a, b);
        }

        private Value mul(Value a, Value b) {
            return op("Mul", a, b);
        }

        private Value div(Value a, Value b) {
            return op("Div", a, b);
        }

        private Value exp(Value a) {
            return g.node("Exp", List.of(a), 1, Map.of()).get(0);
        }

        private Value op(String type, Value a, Value b) {
            return g.node(type, List.of(a, b), 1, Map.of()).get(0);
        }
    }
}
