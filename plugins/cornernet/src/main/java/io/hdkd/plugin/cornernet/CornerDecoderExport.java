package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.api.export.OnnxGraph;
import io.hdkd.api.export.OnnxGraph.Value;
import java.util.List;
import java.util.Map;

/**
 * {@link CornerDecoder}'s decoding as ONNX nodes, step for step, for one image (batch 1) in network-input pixels:
 * <ol>
 *   <li>per side, sigmoid heatmaps; a cell is a peak where it equals its 3x3 max pool (stride 1, padding 1), others
 *       become 0; {@code TopK} of {@code top-k} over classes and cells; class {@code = i div (H W)}, cell {@code =
 *       i mod (H W)}, row and column of the cell; embedding and offsets gathered at the cell; position
 *       {@code (column + dx) x stride}, {@code (row + dy) x stride}, clipped to the input;
 *   <li>all {@code K x K} pairs by broadcasting, rejected where the classes differ, the embedding distance is above
 *       the threshold, the bottom-right corner lies left of or above the top-left one, or a corner has score 0 (no
 *       peak); score the mean of the two corner scores; kept where not rejected and the score is above
 *       {@code score-threshold};
 *   <li>the best {@code candidates} pairs ({@code TopK} over the pair scores, rejected pairs set to -1, which every
 *       kept pair outranks and the NMS threshold drops);
 *   <li>class-wise {@code NonMaxSuppression} (one score row per class, as the RetinaNet export) and the best
 *       {@code max-detections} of the survivors, best first.
 * </ol>
 * Sizes are read from the graph ({@code Shape}), so only the input size's clip bounds are constants. Index arithmetic
 * is int64 (exact), where the PyTorch decoder uses float64 (exact too).
 *
 * <p>One difference from {@link CornerDecoder} on images smaller than the network input: hdkd clips corner positions
 * to the original image before pairing and NMS, the graph (which does not know the image) to the input; the two agree
 * except for corners that fall in the padding (see docs/EXPORT.md).
 */
final class CornerDecoderExport {

    private final OnnxGraph g;
    private final NDManager m;

    private CornerDecoderExport(OnnxGraph g, NDManager m) {
        this.g = g;
        this.m = m;
    }

    /** The six raw outputs in {@link CornerNetHead#outputs()} order to {@link DetectionOutputs} values. */
    static DetectionOutputs.Values decode(OnnxGraph g, List<Value> raw, int numClasses, int stride, int topK,
            float embeddingThreshold, int candidates, float scoreThreshold, float nmsIou, int maxDetections,
            int height, int width) {
        try (NDManager m = NDManager.newBaseManager()) {
            return new CornerDecoderExport(g, m).decode(raw, numClasses, stride, topK, embeddingThreshold,
                    candidates, scoreThreshold, nmsIou, maxDetections, height, width);
        }
    }

    private DetectionOutputs.Values decode(List<Value> raw, int numClasses, int stride, int topK,
            float embeddingThreshold, int candidates, float scoreThreshold, float nmsIou, int maxDetections,
            int height, int width) {
        Corners tl = corners(raw.get(0), raw.get(2), raw.get(4), stride, topK, height, width);
        Corners br = corners(raw.get(1), raw.get(3), raw.get(5), stride, topK, height, width);

        // pairs: rows are top-left corners, columns bottom-right corners (pair index = row * K_br + column)
        Value score = op("Div", g.add(column(tl.score), row(br.score)), floats("two", 2f));
        Value rejected = op("Or", op("Or", op("Or",
                        not(op("Equal", column(tl.cls), row(br.cls))),
                        op("Greater", abs(op("Sub", column(tl.embedding), row(br.embedding))),
                                floats("embedding_threshold", embeddingThreshold))),
                        op("Less", row(br.x), column(tl.x))),
                op("Less", row(br.y), column(tl.y)));
        // as the PyTorch decoder, never pair a cell of score 0 (no peak; which such cells TopK takes is a tie rule)
        Value zero = floats("no_peak", 0f);
        Value peaks = op("And", op("Greater", column(tl.score), zero), op("Greater", row(br.score), zero));
        Value keep = op("And", op("And", not(rejected), peaks),
                op("Greater", score, floats("score_threshold", scoreThreshold)));
        Value masked = g.reshape(where(keep, score, floats("rejected", -1f)), -1);

        // the best candidates pairs; the kept ones come first, as they are the only ones above -1
        List<Value> best = topK(masked, candidates);
        Value pairScore = best.get(0);
        Value pair = best.get(1);
        Value columns = shape(br.score);
        Value i = op("Div", pair, columns);
        Value j = op("Sub", pair, op("Mul", i, columns));
        Value boxes = g.concat(1, List.of(
                g.reshape(gather(tl.x, i), -1, 1), g.reshape(gather(tl.y, i), -1, 1),
                g.reshape(gather(br.x, j), -1, 1), g.reshape(gather(br.y, j), -1, 1)));
        Value labels = gather(tl.cls, i);

        // class-wise NMS: a pair scores in its own class's row only (0 elsewhere, never above the threshold)
        long[] ids = new long[numClasses];
        for (int c = 0; c < numClasses; c++) {
            ids[c] = c;
        }
        Value classIds = g.constant("class_ids", m.create(ids, new Shape(numClasses, 1)));
        Value perClass = where(op("Equal", g.reshape(labels, 1, -1), classIds), g.reshape(pairScore, 1, -1),
                floats("zero", 0f));
        Value selected = g.node("NonMaxSuppression", List.of(
                g.reshape(boxes, 1, -1, 4),
                g.reshape(perClass, 1, numClasses, -1),
                longs("max_per_class", maxDetections),
                floats("iou_threshold", nmsIou),
                floats("nms_score_threshold", scoreThreshold)), 1, Map.of("center_point_box", 0L)).get(0);
        Value kept = g.reshape(g.slice(selected, 1, 2, 3), -1);
        // the best max-detections of the survivors, best first
        List<Value> top = topK(gather(pairScore, kept), maxDetections);
        Value order = gather(kept, top.get(1));
        return new DetectionOutputs.Values(gather(boxes, order), top.get(0), gather(labels, order));
    }

    /** One side's top-K corners: scores, classes (int64), embeddings and positions in input pixels, each [K]. */
    private Corners corners(Value logits, Value embedding, Value offset, int stride, int topK, int height,
            int width) {
        Value heat = g.sigmoid(logits);
        Value pooled = g.maxPool(heat, 3, 1, 1);
        Value peaks = g.reshape(where(op("Equal", pooled, heat), heat, floats("not_peak", 0f)), -1);
        List<Value> top = topK(peaks, topK);
        Value index = top.get(1);
        Value mapShape = g.node("Shape", List.of(logits), 1, Map.of()).get(0);
        Value h = g.slice(mapShape, 0, 2, 3);
        Value w = g.slice(mapShape, 0, 3, 4);
        Value plane = op("Mul", h, w);
        Value cls = op("Div", index, plane);
        Value cell = op("Sub", index, op("Mul", cls, plane));
        Value y = op("Div", cell, w);
        Value x = op("Sub", cell, op("Mul", y, w));
        Value emb = gather(g.reshape(embedding, -1), cell);
        Value offsets = g.reshape(offset, 2, -1);
        Value dx = gather(g.reshape(g.slice(offsets, 0, 0, 1), -1), cell);
        Value dy = gather(g.reshape(g.slice(offsets, 0, 1, 2), -1), cell);
        Value s = floats("stride", stride);
        Value px = clip(op("Mul", g.add(toFloat(x), dx), s), width);
        Value py = clip(op("Mul", g.add(toFloat(y), dy), s), height);
        return new Corners(top.get(0), cls, emb, px, py);
    }

    private record Corners(Value score, Value cls, Value embedding, Value x, Value y) {}

    /** {@code TopK} of at most {@code k} of a 1-D value, largest first: k = min(k, length), read from the graph. */
    private List<Value> topK(Value x, long k) {
        Value count = op("Min", shape(x), longs("k", k));
        return g.node("TopK", List.of(x, count), 2, Map.of("axis", 0L, "largest", 1L, "sorted", 1L));
    }

    private Value shape(Value x) {
        return g.node("Shape", List.of(x), 1, Map.of()).get(0);
    }

    private Value column(Value x) {
        return g.reshape(x, -1, 1);
    }

    private Value row(Value x) {
        return g.reshape(x, 1, -1);
    }

    private Value clip(Value x, int max) {
        return op("Min", g.max(x, floats("zero", 0f)), floats("bound", max));
    }

    private Value toFloat(Value x) {
        return g.node("Cast", List.of(x), 1, Map.of("to", 1L)).get(0); // 1: FLOAT
    }

    private Value gather(Value data, Value indices) {
        return g.node("Gather", List.of(data, indices), 1, Map.of("axis", 0L)).get(0);
    }

    private Value where(Value condition, Value a, Value b) {
        return g.node("Where", List.of(condition, a, b), 1, Map.of()).get(0);
    }

    private Value not(Value x) {
        return g.node("Not", List.of(x), 1, Map.of()).get(0);
    }

    private Value abs(Value x) {
        return g.node("Abs", List.of(x), 1, Map.of()).get(0);
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
