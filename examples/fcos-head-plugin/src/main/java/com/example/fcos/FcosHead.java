package com.example.fcos;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.api.OutputKind;
import io.hdkd.api.export.BlockExporter;
import io.hdkd.api.export.DetectionExporter;
import io.hdkd.api.head.Boxes;
import io.hdkd.api.head.Detections;
import io.hdkd.api.head.FocalLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * FCOS (Tian et al., "FCOS: Fully Convolutional One-Stage Object Detection", 2019): every location of every level
 * predicts class probabilities, its distances to the four sides of an object and how central it sits in it.
 *
 * <p>Raw outputs: {@code cls_<level>} (sigmoid class logits) for every level, then {@code box_<level>} (distances),
 * then {@code ctr_<level>} (centerness logits); see {@link FcosBlock}. Locations are the centres of the cells of a
 * level's {@code ceil(H / stride) x ceil(W / stride)} grid.
 *
 * <p>Loss, normalised over the batch as mmdetection does: sigmoid focal loss over all locations and classes divided
 * by the number of positives; GIoU loss of positives weighted by their centerness target, divided by the sum of those
 * weights; binary cross-entropy of the centerness of positives, divided by the number of positives.
 *
 * <p>Decoding: per level the {@code topk-candidates} best (location, class) pairs whose class probability passes
 * {@code score-threshold}, scored {@code sqrt(p_class x centerness)} as FCOS's test-time scoring, then class-wise NMS.
 */
final class FcosHead implements DetectorHead {

    private final FcosConfig config;
    private final int numClasses;
    private final List<FeatureLevel> levels;
    private final int[] strides;
    private final FcosBlock block;
    private final FcosTargets targets;
    private final List<HeadOutput> outputs;

    FcosHead(FcosConfig config, ComponentContext context) {
        this.config = config;
        this.numClasses = context.numClasses();
        this.levels = context.inputLevels();
        this.strides = levels.stream().mapToInt(FeatureLevel::stride).toArray();
        this.block = new FcosBlock(levels.get(0).channels(), numClasses, strides, config, context.seed());
        this.targets = new FcosTargets(config.centerSamplingRadius());
        List<HeadOutput> out = new ArrayList<>();
        for (FeatureLevel l : levels) {
            out.add(new HeadOutput("cls_" + l.name(), OutputKind.CLASS_LOGITS_SIGMOID, l.stride()));
        }
        for (FeatureLevel l : levels) {
            out.add(new HeadOutput("box_" + l.name(), OutputKind.BOX_REGRESSION, l.stride()));
        }
        for (FeatureLevel l : levels) {
            out.add(new HeadOutput("ctr_" + l.name(), OutputKind.OTHER, l.stride()));
        }
        this.outputs = List.copyOf(out);
    }

    @Override
    public String type() {
        return FcosHeadFactory.NAME;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public List<HeadOutput> outputs() {
        return outputs;
    }

    /** The block as ONNX (SPI 2): towers, GroupNorm, the per-level scale and exp, rows as {@link FcosBlock}'s. */
    @Override
    public Optional<BlockExporter> exporter() {
        return Optional.of(block::export);
    }

    /** {@link #decode} as ONNX for {@code hdkd export --decode}: see {@link FcosExport}. */
    @Override
    public Optional<DetectionExporter> detectionExporter() {
        return Optional.of((graph, raw, height, width) ->
                FcosExport.decode(graph, raw, config, strides, numClasses, height, width));
    }

    @Override
    public LossTerms loss(NDList rawOutputs, List<ImageTargets> imageTargets, Shape inputShape) {
        long[][] grids = grids(rawOutputs, inputShape);
        int n = levels.size();
        NDArray logits = NDArrays.concat(new NDList(rawOutputs.subList(0, n)), 1); // N x P x C
        NDArray distances = NDArrays.concat(new NDList(rawOutputs.subList(n, 2 * n)), 1); // N x P x 4
        NDArray centerLogits = NDArrays.concat(new NDList(rawOutputs.subList(2 * n, 3 * n)), 1).squeeze(2); // N x P
        long batch = logits.getShape().get(0);
        if (imageTargets.size() != batch) {
            throw new IllegalArgumentException("got " + imageTargets.size() + " targets for a batch of " + batch);
        }
        NDManager manager = logits.getManager();

        NDList classT = new NDList();
        NDList positiveT = new NDList();
        NDList boxT = new NDList();
        NDList centerT = new NDList();
        NDArray points;
        try (NDManager scratch = manager.newSubManager(logits.getDevice())) {
            Locations where = locations(scratch, grids);
            for (ImageTargets t : imageTargets) {
                FcosTargets.Image image = targets.assign(scratch, where.points, where.strides, where.ranges, t,
                        numClasses);
                classT.add(image.classes());
                positiveT.add(image.positive());
                boxT.add(image.boxes());
                centerT.add(image.centerness());
            }
            points = where.points;
            for (NDList list : List.of(classT, positiveT, boxT, centerT)) {
                list.attach(manager);
            }
            points.attach(manager);
        }
        NDArray classes = NDArrays.stack(classT); // N x P x C
        NDArray positive = NDArrays.stack(positiveT); // N x P
        NDArray boxes = NDArrays.stack(boxT); // N x P x 4
        NDArray centerness = NDArrays.stack(centerT); // N x P

        NDArray numPositive = positive.sum().maximum(1f);
        NDArray cls = FocalLoss.sigmoidFocal(logits, classes, config.alpha(), config.gamma()).sum()
                .div(numPositive);
        NDArray predicted = Boxes.fromDistances(points.expandDims(0), distances);
        NDArray box = Boxes.giouLoss(predicted, boxes).mul(centerness).sum().div(centerness.sum().maximum(1e-6f));
        NDArray ctr = FocalLoss.sigmoidBinaryCrossEntropy(centerLogits, centerness).mul(positive).sum()
                .div(numPositive);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("cls", cls);
        terms.put("box", box);
        terms.put("ctr", ctr);
        return new LossTerms(terms);
    }

    /**
     * Every level's location centres (P x 2, input pixels), strides (P) and regression ranges (P x 2), levels
     * concatenated in order, rows {@code y * W_l + x} within a level, as the raw outputs.
     */
    private record Locations(NDArray points, NDArray strides, NDArray ranges) {}

    private Locations locations(NDManager manager, long[][] grids) {
        NDList points = new NDList();
        NDList strideList = new NDList();
        NDList ranges = new NDList();
        for (int l = 0; l < levels.size(); l++) {
            long h = grids[l][0];
            long w = grids[l][1];
            float s = strides[l];
            // FCOS's location of cell (x, y): (floor(s / 2) + x s, floor(s / 2) + y s).
            float offset = (float) Math.floor(s / 2);
            NDArray xs = manager.arange(0f, (float) w).mul(s).add(offset);
            NDArray ys = manager.arange(0f, (float) h).mul(s).add(offset);
            NDArray gridX = xs.expandDims(0).broadcast(h, w).reshape(-1);
            NDArray gridY = ys.expandDims(1).broadcast(h, w).reshape(-1);
            points.add(NDArrays.stack(new NDList(gridX, gridY), 1));
            strideList.add(manager.full(new Shape(h * w), s));
            float lo = l == 0 ? 0f : (float) config.sizeBoundaries()[l - 1];
            float hi = l == levels.size() - 1 ? Float.MAX_VALUE : (float) config.sizeBoundaries()[l];
            ranges.add(manager.create(new float[] {lo, hi}).expandDims(0).broadcast(h * w, 2));
        }
        return new Locations(NDArrays.concat(points), NDArrays.concat(strideList), NDArrays.concat(ranges));
    }

    @Override
    public List<List<Detection>> decode(NDList rawOutputs, List<ImageMeta> metas, Shape inputShape) {
        long[][] grids = grids(rawOutputs, inputShape);
        Shape hw = heightWidth(inputShape);
        int n = levels.size();
        long batch = rawOutputs.get(0).getShape().get(0);
        if (metas.size() != batch) {
            throw new IllegalArgumentException("got " + metas.size() + " image metas for a batch of " + batch);
        }
        List<List<Detection>> result = new ArrayList<>();
        try (NDManager scratch = rawOutputs.get(0).getManager().newSubManager()) {
            Locations where = locations(scratch, grids);
            long[] levelStart = new long[n + 1];
            for (int l = 0; l < n; l++) {
                levelStart[l + 1] = levelStart[l] + grids[l][0] * grids[l][1];
            }
            for (int i = 0; i < batch; i++) {
                NDList boxes = new NDList();
                NDList scores = new NDList();
                NDList labels = new NDList();
                for (int l = 0; l < n; l++) {
                    NDArray logits = rawOutputs.get(l).get(i);
                    NDArray distances = rawOutputs.get(n + l).get(i);
                    NDArray centre = rawOutputs.get(2 * n + l).get(i);
                    for (NDArray a : List.of(logits, distances, centre)) {
                        a.attach(scratch);
                    }
                    NDArray flat = Activation.sigmoid(logits).reshape(-1);
                    int k = (int) Math.min(config.topkCandidates(), flat.size());
                    NDList top = flat.topK(k, 0, true, true);
                    NDArray topScores = top.get(0);
                    long above = topScores.gt((float) config.scoreThreshold()).sum().toType(DataType.INT64, false)
                            .getLong();
                    if (above == 0) {
                        continue;
                    }
                    NDArray index = top.get(1).get(new NDIndex(":{}", above)).toType(DataType.INT64, false);
                    NDArray label = index.mod((long) numClasses);
                    // Exact integer division through float64 (there is no integer floor division on arrays).
                    NDArray location = index.sub(label).toType(DataType.FLOAT64, false).div((double) numClasses)
                            .round().toType(DataType.INT64, false);
                    NDArray levelPoints = where.points.get(new NDIndex(levelStart[l] + ":" + levelStart[l + 1]));
                    NDArray box = Boxes.fromDistances(levelPoints.get(new NDIndex("{}", location)),
                            distances.get(new NDIndex("{}", location)));
                    NDArray centreProb = Activation.sigmoid(centre.reshape(-1).get(new NDIndex("{}", location)));
                    boxes.add(Boxes.clip(box, hw.get(1), hw.get(0)));
                    scores.add(topScores.get(new NDIndex(":{}", above)).mul(centreProb).sqrt());
                    labels.add(label);
                }
                result.add(boxes.isEmpty() ? List.of() : Detections.select(NDArrays.concat(boxes),
                        NDArrays.concat(scores), NDArrays.concat(labels), metas.get(i), config.nmsThreshold(),
                        config.maxDetections()));
            }
        }
        return result;
    }

    /** Each level's grid {@code (H_l, W_l)}, checked against the raw outputs' row counts. */
    private long[][] grids(NDList raw, Shape inputShape) {
        Shape hw = heightWidth(inputShape);
        int n = levels.size();
        if (raw.size() != 3 * n) {
            throw new IllegalArgumentException("expected " + 3 * n + " raw outputs "
                    + outputs.stream().map(HeadOutput::name).toList() + ", got " + raw.size());
        }
        long[][] grids = new long[n][];
        for (int l = 0; l < n; l++) {
            long h = (hw.get(0) + strides[l] - 1) / strides[l];
            long w = (hw.get(1) + strides[l] - 1) / strides[l];
            long rows = raw.get(l).getShape().get(1);
            if (rows != h * w) {
                throw new IllegalArgumentException("raw output cls_" + levels.get(l).name() + " has " + rows
                        + " rows; for input " + hw + " expected " + h + " x " + w + " (ceil(input / stride))");
            }
            grids[l] = new long[] {h, w};
        }
        return grids;
    }

    /** The api passes {@code (H, W)}; a whole batch shape {@code (N, C, H, W)} is accepted too. */
    private static Shape heightWidth(Shape s) {
        int d = s.dimension();
        if (d < 2) {
            throw new IllegalArgumentException("input shape must end in (H, W), got " + s);
        }
        return new Shape(s.get(d - 2), s.get(d - 1));
    }
}
