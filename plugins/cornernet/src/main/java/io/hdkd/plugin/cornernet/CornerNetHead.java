package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.export.BlockExporter;
import io.hdkd.api.export.DetectionExporter;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.api.OutputKind;
import io.hdkd.api.Scalars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CornerNet (Law and Deng, ECCV 2018) as an hdkd head: anchor-free detection of objects as pairs of corner
 * keypoints, grouped by associative embeddings. It shares no output with anchor-based heads, so between a CornerNet
 * and a RetinaNet only features carry knowledge.
 *
 * <p><b>One level, {@code p3} (stride 8) by default</b>, where the paper uses stride 4: a CPU-sized choice explained
 * in the package documentation ({@code package-info}); any input level can be chosen, e.g. {@code p2} for stride 4.
 *
 * <p>Raw outputs, in order: {@code tl_heatmap, br_heatmap} (N x C x H x W logits), {@code tl_embedding,
 * br_embedding} (N x 1 x H x W), {@code tl_offset, br_offset} (N x 2 x H x W, x then y, in cells).
 *
 * <p>Loss terms: {@code heatmap} (focal variant on both corner heatmaps, normalised by the number of objects),
 * {@code pull} and {@code push} (associative embedding, weighted, averaged over the images of the batch) and
 * {@code offset} (smooth L1 at ground-truth corners, normalised by the number of objects).
 */
public final class CornerNetHead implements DetectorHead {

    static final List<String> OUTPUT_NAMES =
            List.of("tl_heatmap", "br_heatmap", "tl_embedding", "br_embedding", "tl_offset", "br_offset");

    /** Hyper-parameters of the loss. */
    record LossConfig(double minOverlap, float pullWeight, float pushWeight, float pushMargin, float offsetWeight) {}

    private final int numClasses;
    private final int stride;
    private final CornerNetBlock block;
    private final LossConfig lossConfig;
    private final CornerDecoder decoder;

    CornerNetHead(int numClasses, int levelIndex, int stride, int channels, LossConfig lossConfig,
            CornerDecoder decoder) {
        this.numClasses = numClasses;
        this.stride = stride;
        this.lossConfig = lossConfig;
        this.decoder = decoder;
        this.block = new CornerNetBlock(levelIndex, channels, numClasses);
    }

    @Override
    public String type() {
        return "cornernet";
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Optional<BlockExporter> exporter() {
        return Optional.of(block::export);
    }

    /** The corner decoding as ONNX ({@link CornerDecoderExport}), the same steps as {@link #decode}. */
    @Override
    public Optional<DetectionExporter> detectionExporter() {
        return Optional.of((graph, raw, height, width) -> decoder.export(graph, raw, numClasses, height, width));
    }

    @Override
    public List<HeadOutput> outputs() {
        return List.of(
                new HeadOutput(OUTPUT_NAMES.get(0), OutputKind.HEATMAP, stride),
                new HeadOutput(OUTPUT_NAMES.get(1), OutputKind.HEATMAP, stride),
                new HeadOutput(OUTPUT_NAMES.get(2), OutputKind.EMBEDDING, stride),
                new HeadOutput(OUTPUT_NAMES.get(3), OutputKind.EMBEDDING, stride),
                new HeadOutput(OUTPUT_NAMES.get(4), OutputKind.OFFSET, stride),
                new HeadOutput(OUTPUT_NAMES.get(5), OutputKind.OFFSET, stride));
    }

    int stride() {
        return stride;
    }

    int numClasses() {
        return numClasses;
    }

    @Override
    public LossTerms loss(NDList rawOutputs, List<ImageTargets> targets, Shape inputShape) {
        NDArray tlHeat = rawOutputs.get(0);
        NDManager manager = tlHeat.getManager();
        Shape map = tlHeat.getShape();
        int height = (int) map.get(2);
        int width = (int) map.get(3);
        CornerTargets t = CornerTargets.build(targets, numClasses, height, width, stride, lossConfig.minOverlap(),
                manager);
        int objects = t.numObjects();
        // Soft targets (scored boxes): corners of strength s, embedding and offset terms weighted by s.
        float[] weights = t.soft() ? t.score() : null;
        NDArray heatmap = t.soft()
                ? CornerLosses.softFocal(tlHeat, t.tlHeatmap(), t.tlPeak(), t.heatmapWeight())
                        .add(CornerLosses.softFocal(rawOutputs.get(1), t.brHeatmap(), t.brPeak(), t.heatmapWeight()))
                : CornerLosses.focal(tlHeat, t.tlHeatmap(), objects)
                        .add(CornerLosses.focal(rawOutputs.get(1), t.brHeatmap(), objects));

        long plane = (long) height * width;
        NDArray tlEmb = gather(rawOutputs.get(2), t, t.tlCell(), 0, 1, plane);
        NDArray brEmb = gather(rawOutputs.get(3), t, t.brCell(), 0, 1, plane);
        int images = targets.size();
        // all images at once: a per-image loop would cost a dozen ops per image and step
        NDArray pull = CornerLosses.pullSum(tlEmb, brEmb, t.image(), weights);
        NDArray push = CornerLosses.pushSum(tlEmb, brEmb, t.image(), weights, lossConfig.pushMargin());
        // Scalars, not NDArray.mul(Number): DJL frees a Number operand autograd still needs (docs/DJL.md)
        pull = Scalars.mul(pull, lossConfig.pullWeight() / (double) Math.max(images, 1));
        push = Scalars.mul(push, lossConfig.pushWeight() / (double) Math.max(images, 1));

        NDArray offset = offsetLoss(rawOutputs.get(4), t, t.tlCell(), t.tlOffset(), weights, plane)
                .add(offsetLoss(rawOutputs.get(5), t, t.brCell(), t.brOffset(), weights, plane));
        double offsetNorm = Math.max(objects, 1);
        if (weights != null) {
            double sum = 0;
            for (float w : weights) {
                sum += w;
            }
            offsetNorm = Math.max(sum, 1e-6);
        }
        offset = Scalars.mul(offset, lossConfig.offsetWeight() / offsetNorm);

        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("heatmap", heatmap);
        terms.put("pull", pull);
        terms.put("push", push);
        terms.put("offset", offset);
        return new LossTerms(terms);
    }

    /** Smooth L1 at the objects' corner cells, summed; each object's term weighted by {@code weights} if given. */
    private static NDArray offsetLoss(NDArray prediction, CornerTargets t, int[] cells, float[] target,
            float[] weights, long plane) {
        // one gather for x and y: the objects' x offsets (channel 0), then their y offsets (channel 1)
        int m = cells.length;
        long[] index = new long[2 * m];
        float[] expected = new float[2 * m];
        for (int k = 0; k < m; k++) {
            for (int c = 0; c < 2; c++) {
                index[c * m + k] = ((long) t.image()[k] * 2 + c) * plane + cells[k];
                expected[c * m + k] = target[2 * k + c];
            }
        }
        NDManager manager = prediction.getManager();
        NDArray predicted = prediction.reshape(-1).take(manager, manager.create(index));
        if (weights == null) {
            return CornerLosses.smoothL1Sum(predicted, manager.create(expected));
        }
        float[] w = new float[2 * m];
        for (int k = 0; k < m; k++) {
            w[k] = weights[k];
            w[m + k] = weights[k];
        }
        return CornerLosses.smoothL1WeightedSum(predicted, manager.create(expected), manager.create(w));
    }

    /** Values of {@code channel} of an N x channels x H x W output at each object's cell, in object order. */
    private static NDArray gather(NDArray output, CornerTargets t, int[] cells, int channel, int channels,
            long plane) {
        long[] index = new long[cells.length];
        for (int k = 0; k < cells.length; k++) {
            index[k] = ((long) t.image()[k] * channels + channel) * plane + cells[k];
        }
        return output.reshape(-1).take(output.getManager(), output.getManager().create(index));
    }

    /** Scored boxes become corners of strength s (see {@link CornerTargets}). */
    @Override
    public boolean acceptsSoftTargets() {
        return true;
    }

    @Override
    public List<List<Detection>> decode(NDList rawOutputs, List<ImageMeta> metas, Shape inputShape) {
        return decoder.decode(rawOutputs, metas);
    }
}
