package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import io.hdkd.api.Detection;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.api.export.OnnxGraph;
import io.hdkd.api.head.BatchedNms;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns CornerNet's raw outputs into detections, per image:
 * <ol>
 *   <li>sigmoid heatmaps; 3x3 max-pool NMS (stride 1, padding 1; a cell survives where it equals its pooled value);
 *   <li>top-K corners per side over all classes and cells, each with its embedding and sub-cell offset;
 *   <li>all K x K (top-left, bottom-right) pairs by broadcasting; a pair is rejected if the classes differ, the
 *       embedding distance exceeds the threshold, the bottom-right corner lies left of or above the top-left, or a
 *       corner has score 0 (no peak: taken by top-K only where a heatmap has fewer than K peaks);
 *       its score is the mean of the two corner scores;
 *   <li>the best {@code candidates} pairs above the score threshold, mapped to original image pixels
 *       ({@code (cell + offset) * stride / scale}, clipped to the image), class-wise NMS, and the top
 *       {@code maxDetections}.
 * </ol>
 */
final class CornerDecoder {

    private final int stride;
    private final int topK;
    private final float embeddingThreshold;
    private final int candidates;
    private final float scoreThreshold;
    private final float nmsIou;
    private final int maxDetections;

    CornerDecoder(int stride, int topK, float embeddingThreshold, int candidates, float scoreThreshold, float nmsIou,
            int maxDetections) {
        this.stride = stride;
        this.topK = topK;
        this.embeddingThreshold = embeddingThreshold;
        this.candidates = candidates;
        this.scoreThreshold = scoreThreshold;
        this.nmsIou = nmsIou;
        this.maxDetections = maxDetections;
    }

    /** This decoding as ONNX nodes for {@code hdkd export --decode} (one image, network-input pixels). */
    DetectionOutputs.Values export(OnnxGraph graph, List<OnnxGraph.Value> raw, int numClasses, int height,
            int width) {
        return CornerDecoderExport.decode(graph, raw, numClasses, stride, topK, embeddingThreshold, candidates,
                scoreThreshold, nmsIou, maxDetections, height, width);
    }

    /** @param raw the head's six outputs in {@link CornerNetHead#outputs()} order */
    List<List<Detection>> decode(NDList raw, List<ImageMeta> metas) {
        List<List<Detection>> all = new ArrayList<>();
        for (int n = 0; n < metas.size(); n++) {
            try (NDManager scope = raw.get(0).getManager().newSubManager()) {
                NDList image = new NDList();
                for (NDArray a : raw) {
                    NDArray one = a.get(n);
                    one.attach(scope);
                    image.add(one);
                }
                all.add(decodeImage(image, metas.get(n), scope));
            }
        }
        return all;
    }

    private List<Detection> decodeImage(NDList raw, ImageMeta meta, NDManager scope) {
        Corners tl = corners(raw.get(0), raw.get(2), raw.get(4), meta);
        Corners br = corners(raw.get(1), raw.get(3), raw.get(5), meta);
        int k = (int) tl.score.getShape().get(0);

        // pairs: rows are top-left corners, columns bottom-right corners
        NDArray score = tl.score.expandDims(1).add(br.score.expandDims(0)).div(2f);
        NDArray rejected = tl.cls.expandDims(1).neq(br.cls.expandDims(0))
                .logicalOr(tl.embedding.expandDims(1).sub(br.embedding.expandDims(0)).abs().gt(embeddingThreshold))
                .logicalOr(br.x.expandDims(0).lt(tl.x.expandDims(1)))
                .logicalOr(br.y.expandDims(0).lt(tl.y.expandDims(1)))
                // a cell of score 0 is no peak: top-K reaches such cells only when a heatmap has fewer than K peaks,
                // and which of these ties it takes is libtorch's unspecified choice; never pair them
                .logicalOr(tl.score.expandDims(1).lte(0f))
                .logicalOr(br.score.expandDims(0).lte(0f));
        Shape pairs = new Shape(k, k);
        NDArray keep = rejected.logicalNot().logicalAnd(score.gt(scoreThreshold)).reshape(-1);
        NDArray scores = score.reshape(-1).booleanMask(keep);
        NDArray boxes = NDArrays.stack(new NDList(
                        tl.x.expandDims(1).broadcast(pairs).reshape(-1),
                        tl.y.expandDims(1).broadcast(pairs).reshape(-1),
                        br.x.expandDims(0).broadcast(pairs).reshape(-1),
                        br.y.expandDims(0).broadcast(pairs).reshape(-1)), 1)
                .get(keep);
        NDArray classes = tl.cls.expandDims(1).broadcast(pairs).reshape(-1).booleanMask(keep);
        long survivors = scores.getShape().get(0);
        if (survivors == 0) {
            return List.of();
        }
        if (survivors > candidates) {
            NDArray best = scores.argSort(0, false).get(":" + candidates);
            scores = scores.get(best);
            boxes = boxes.get(best);
            classes = classes.get(best);
        }
        long[] kept = BatchedNms.keep(boxes, scores, classes, nmsIou, maxDetections);
        float[] b = boxes.toFloatArray();
        float[] s = scores.toFloatArray();
        float[] c = classes.toType(DataType.FLOAT32, false).toFloatArray();
        List<Detection> out = new ArrayList<>();
        for (long index : kept) {
            int j = (int) index;
            out.add(new Detection((int) c[j], s[j], b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]));
        }
        return out;
    }

    /** The top-K corners of one side of one image, positions already in original image pixels. */
    private Corners corners(NDArray logits, NDArray embedding, NDArray offset, ImageMeta meta) {
        Shape shape = logits.getShape();
        long height = shape.get(1);
        long width = shape.get(2);
        long plane = height * width;
        NDArray heat = Activation.sigmoid(logits);
        NDArray pooled = Pool.maxPool2d(heat.expandDims(0), new Shape(3, 3), new Shape(1, 1), new Shape(1, 1), false)
                .squeeze(0);
        NDArray peaks = heat.mul(pooled.eq(heat).toType(DataType.FLOAT32, false)).reshape(-1);
        int k = (int) Math.min(topK, peaks.getShape().get(0));
        NDList top = peaks.topK(k, 0, true, true);
        NDArray score = top.get(0);
        NDArray index = top.get(1).toType(DataType.INT64, false);
        // index arithmetic in float64: exact for any feature map that fits in memory
        NDArray flat = index.toType(DataType.FLOAT64, false);
        NDArray cls = flat.div(plane).floor();
        NDArray cell = flat.sub(cls.mul(plane));
        NDArray row = cell.div(width).floor();
        NDArray col = cell.sub(row.mul(width));
        NDArray cellIndex = cell.toType(DataType.INT64, false);
        NDArray emb = embedding.reshape(-1).take(embedding.getManager(), cellIndex);
        NDArray offsets = offset.reshape(2, plane);
        NDArray dx = offsets.get(0).take(offset.getManager(), cellIndex);
        NDArray dy = offsets.get(1).take(offset.getManager(), cellIndex);
        NDArray x = col.toType(DataType.FLOAT32, false).add(dx).mul(stride / meta.scaleX()).clip(0, meta.width());
        NDArray y = row.toType(DataType.FLOAT32, false).add(dy).mul(stride / meta.scaleY()).clip(0, meta.height());
        return new Corners(score, cls.toType(DataType.INT32, false), emb, x, y);
    }

    private record Corners(NDArray score, NDArray cls, NDArray embedding, NDArray x, NDArray y) {}
}
