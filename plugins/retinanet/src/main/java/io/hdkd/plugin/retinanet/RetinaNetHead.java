package io.hdkd.plugin.retinanet;

import io.hdkd.api.Scalars;
import ai.djl.Device;
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
import io.hdkd.api.ForwardScope;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.InvalidInputException;
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
 * The RetinaNet head (Lin et al. 2017, torchvision's v1): raw outputs, focal + box loss, and decoding.
 *
 * <p>Raw outputs ({@link #outputs()}): {@code cls_<level>} for every input level, then {@code box_<level>} for every
 * level; class logits {@code N x (H_l W_l A) x C} (read through a sigmoid), box deltas {@code N x (H_l W_l A) x 4},
 * rows location-major ({@code (y W_l + x) A + a}), the same order as the anchors. See {@link RetinaNetBlock}.
 *
 * <p>Loss: focal loss summed over all non-ignored anchors and classes, box loss summed over positive anchors, each
 * divided by the number of positives (at least 1) of the image and averaged over images, as torchvision does; or,
 * with {@code loss-normalization = batch}, both summed over the batch and divided by the batch's positives (mmdet).
 */
final class RetinaNetHead implements DetectorHead {

    private final RetinaNetConfig config;
    private final int numClasses;
    private final List<FeatureLevel> levels;
    private final RetinaNetBlock block;
    private final AnchorGenerator anchors;
    private final AnchorMatcher matcher;
    private final BoxCoder coder;
    private final List<HeadOutput> outputs;

    RetinaNetHead(RetinaNetConfig config, ComponentContext context) {
        if (context.numClasses() < 1) {
            throw new InvalidInputException("the retinanet head needs at least one class, got "
                    + context.numClasses());
        }
        this.config = config;
        this.numClasses = context.numClasses();
        this.levels = context.inputLevels();
        int[] strides = levels.stream().mapToInt(FeatureLevel::stride).toArray();
        this.anchors = new AnchorGenerator(strides, config.anchorSizes(), config.anchorScales(),
                config.anchorRatios());
        this.block = new RetinaNetBlock(levels.get(0).channels(), numClasses, anchors.anchorsPerLocation(),
                levels.size(), config.numConvs(), config.priorProb(), context.seed());
        this.matcher = new AnchorMatcher(config.fgIou(), config.bgIou(), config.allowLowQuality());
        this.coder = new BoxCoder(config.boxWeights());
        List<HeadOutput> out = new ArrayList<>();
        for (FeatureLevel l : levels) {
            out.add(new HeadOutput("cls_" + l.name(), OutputKind.CLASS_LOGITS_SIGMOID, l.stride()));
        }
        for (FeatureLevel l : levels) {
            out.add(new HeadOutput("box_" + l.name(), OutputKind.BOX_REGRESSION, l.stride()));
        }
        this.outputs = List.copyOf(out);
    }

    @Override
    public String type() {
        return RetinaNetHeadFactory.NAME;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public List<HeadOutput> outputs() {
        return outputs;
    }

    @Override
    public Optional<BlockExporter> exporter() {
        return Optional.of(block::export);
    }

    @Override
    public Optional<DetectionExporter> detectionExporter() {
        return Optional.of((graph, raw, height, width) ->
                RetinaNetExport.decode(graph, raw, config, anchors, numClasses, height, width));
    }

    RetinaNetConfig config() {
        return config;
    }

    /**
     * For weight import: torchvision's RetinaNet head tensor names (without the model's {@code head.} prefix)
     * mapped to this head's parameter names; see {@link RetinaNetBlock#torchvisionNames()}.
     */
    @Override
    public Map<String, String> stateDictNames() {
        return block.torchvisionNames();
    }

    /** Anchors of every level for a padded input of {@code (H, W)}, {@code K_l x 4} each. */
    NDList anchors(NDManager manager, Shape inputShape) {
        return anchors.anchors(manager, inputShape);
    }

    @Override
    public LossTerms loss(NDList rawOutputs, List<ImageTargets> targets, Shape inputShape) {
        inputShape = heightWidth(inputShape);
        checkOutputs(rawOutputs, inputShape);
        int numLevels = levels.size();
        NDArray logits = NDArrays.concat(new NDList(rawOutputs.subList(0, numLevels)), 1);
        NDArray deltas = NDArrays.concat(new NDList(rawOutputs.subList(numLevels, 2 * numLevels)), 1);
        long batch = logits.getShape().get(0);
        if (targets.size() != batch) {
            throw new IllegalArgumentException("got " + targets.size() + " targets for a batch of " + batch);
        }
        NDManager manager = logits.getManager();
        NDArray allAnchors = NDArrays.concat(anchors.anchors(manager, inputShape), 0);

        Assignment a = assign(manager, allAnchors, targets);
        boolean soft = targets.stream().anyMatch(ImageTargets::scored);
        // Soft targets (scored boxes): class target s on the box's anchors (quality focal loss), box terms weighted
        // by s and normalised by the sum of the positives' scores. Hard targets: torchvision's loss exactly.
        // In a scope: the focal loss's N x K x C temporaries (a dozen, 36 MB each at 512 px and 91 classes) are
        // released once summed; the graph keeps the few its backward reads (ForwardScope).
        NDArray clsPerImage = ForwardScope.run(new NDList(logits, a.classTargets, a.valid), in -> {
            NDArray clsElementwise = soft
                    ? FocalLoss.softSigmoidFocal(in.get(0), in.get(1), config.alpha(), config.gamma())
                    : FocalLoss.sigmoidFocal(in.get(0), in.get(1), config.alpha(), config.gamma());
            // Summed over classes before the valid mask (0 or 1 per anchor): one multiplication of N x K, not N x K x C.
            return new NDList(clsElementwise.sum(new int[] {2}).mul(in.get(2)).sum(new int[] {1}));
        }).head();
        NDArray boxPerAnchor;
        switch (config.boxLoss()) {
            case "giou":
                boxPerAnchor = Boxes.giouLoss(coder.decode(deltas, allAnchors.expandDims(0)), a.boxTargets);
                break;
            case "smooth-l1":
                boxPerAnchor = smoothL1(deltas.sub(a.deltaTargets), config.smoothL1Beta()).sum(new int[] {2});
                break;
            default:
                boxPerAnchor = deltas.sub(a.deltaTargets).abs().sum(new int[] {2});
        }
        NDArray boxPerImage = boxPerAnchor.mul(a.weight).sum(new int[] {1});

        NDArray positives = a.weight.sum(new int[] {1});
        Map<String, NDArray> terms = new LinkedHashMap<>();
        if (config.normalizeByBatch()) {
            NDArray norm = positives.sum().maximum(1f);
            terms.put("cls", clsPerImage.sum().div(norm));
            terms.put("box", boxPerImage.sum().div(norm));
        } else {
            NDArray norm = positives.maximum(1f);
            terms.put("cls", clsPerImage.div(norm).mean());
            terms.put("box", boxPerImage.div(norm).mean());
        }
        return new LossTerms(terms);
    }

    /**
     * Training targets for every image, all {@code N x K (x ...)} and without gradient.
     *
     * @param classTargets one-hot class of positive anchors times the matched box's score (1 for ground truth),
     *     zeros elsewhere (N x K x C)
     * @param valid 1 for positive and background anchors, 0 for ignored ones (N x K)
     * @param weight the matched box's score for positive anchors (1 for ground truth), 0 elsewhere (N x K)
     * @param deltaTargets encoded matched box for positives, 0 elsewhere (N x K x 4)
     * @param boxTargets the matched box for positives, the anchor itself elsewhere, so every row is a valid box
     */
    private record Assignment(NDArray classTargets, NDArray valid, NDArray weight, NDArray deltaTargets,
            NDArray boxTargets) {}

    /** The targets of {@code loss} for a batch, for tests: class targets, valid mask and positive weights. */
    NDList encode(NDManager manager, List<ImageTargets> targets, Shape inputShape) {
        NDArray allAnchors = NDArrays.concat(anchors.anchors(manager, heightWidth(inputShape)), 0);
        Assignment a = assign(manager, allAnchors, targets);
        return new NDList(a.classTargets, a.valid, a.weight, a.deltaTargets);
    }

    /**
     * One set of batched operations for the whole batch: every image's boxes are padded to the batch's largest count
     * and the padding (and every box of score 0, which is absent) gets IoU -1, so it never matches. A loop over
     * images cost about 40 small operations each, a measurable share of a small model's step (docs/BENCHMARKS.md).
     */
    private Assignment assign(NDManager manager, NDArray allAnchors, List<ImageTargets> targets) {
        long k = allAnchors.getShape().get(0);
        int n = targets.size();
        boolean scored = targets.stream().anyMatch(ImageTargets::scored);
        long most = 0;
        for (ImageTargets t : targets) {
            long m = t.boxes().size() / 4;
            if (t.labels().size() != m) {
                throw new IllegalArgumentException("targets have " + m + " boxes but " + t.labels().size()
                        + " labels");
            }
            most = Math.max(most, m);
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray anchorsHere = allAnchors.duplicate();
            anchorsHere.attach(scratch);
            Device device = anchorsHere.getDevice();
            if (most == 0) {
                Assignment empty = new Assignment(scratch.zeros(new Shape(n, k, numClasses)),
                        scratch.ones(new Shape(n, k)), scratch.zeros(new Shape(n, k)),
                        scratch.zeros(new Shape(n, k, 4)), anchorsHere.expandDims(0).repeat(0, n));
                return keep(empty, manager);
            }
            NDList boxes = new NDList();
            NDList labels = new NDList();
            NDList scores = new NDList();
            for (ImageTargets t : targets) {
                // Copies, so that everything derived from the targets is freed with the scratch manager.
                long m = t.labels().size();
                NDArray b = t.boxes().toDevice(device, true);
                b.attach(scratch);
                NDArray l = t.labels().toDevice(device, true);
                l.attach(scratch);
                NDArray s;
                if (t.scored()) {
                    s = t.scores().toDevice(device, true);
                    s.attach(scratch);
                    s = s.toType(DataType.FLOAT32, false).reshape(m);
                } else {
                    s = scratch.ones(new Shape(m));
                }
                b = b.toType(DataType.FLOAT32, false).reshape(m, 4);
                l = l.toType(DataType.INT64, false).reshape(m);
                if (m < most) {  // padding of score 0: absent
                    b = b.concat(scratch.zeros(new Shape(most - m, 4)), 0);
                    l = l.concat(scratch.zeros(new Shape(most - m), DataType.INT64), 0);
                    s = s.concat(scratch.zeros(new Shape(most - m)), 0);
                }
                boxes.add(b);
                labels.add(l);
                scores.add(s);
            }
            NDArray gt = NDArrays.stack(boxes);                  // N x M x 4
            NDArray gtLabels = NDArrays.stack(labels);           // N x M
            NDArray gtScores = NDArrays.stack(scores);           // N x M
            NDArray present = gtScores.gt(0f);
            checkLabels(NDArrays.where(present, gtLabels, gtLabels.zerosLike()));

            NDArray iou = Boxes.iouMatrix(anchorsHere, gt);     // N x K x M
            iou = NDArrays.where(present.expandDims(1).broadcast(iou.getShape()), iou,
                    iou.zerosLike().sub(1f));
            NDArray matched = matcher.match(iou);                // N x K
            NDArray isPositive = matched.gte(0L);
            // The matched box of every anchor as a row of the flattened N*M boxes.
            NDArray rowOffsets = scratch.arange(0, (int) (n * most), (int) most, DataType.INT64).reshape(n, 1);
            NDIndex matchedRow = new NDIndex("{}", matched.maximum(0L).add(rowOffsets).reshape(-1));
            NDArray positiveF = isPositive.toType(DataType.FLOAT32, false);
            NDArray weight = scored
                    ? gtScores.minimum(1f).reshape(-1).get(matchedRow).reshape(n, k).mul(positiveF)
                    : positiveF;
            // One-hot by comparison with 0..C-1: oneHot would fill and scatter an int64 N x K x C array and convert it.
            NDArray classIds = scratch.arange(0, numClasses, 1, DataType.INT64);
            NDArray cls = gtLabels.reshape(-1).get(matchedRow).reshape(n, k, 1).eq(classIds)
                    .toType(DataType.FLOAT32, false).mul(weight.expandDims(2));
            NDArray valid = matched.neq(AnchorMatcher.IGNORED).toType(DataType.FLOAT32, false);
            NDArray anchorsBatch = anchorsHere.expandDims(0).broadcast(n, k, 4);
            NDArray target = NDArrays.where(isPositive.expandDims(2).broadcast(n, k, 4),
                    gt.reshape(-1, 4).get(matchedRow).reshape(n, k, 4), anchorsBatch);
            NDArray deltas = coder.encode(target, anchorsBatch);
            return keep(new Assignment(cls, valid, weight, deltas, target), manager);
        }
    }

    /** The assignment's arrays outlive the scratch manager they were computed in. */
    private static Assignment keep(Assignment a, NDManager manager) {
        for (NDArray x : List.of(a.classTargets, a.valid, a.weight, a.deltaTargets, a.boxTargets)) {
            x.attach(manager);
        }
        return a;
    }

    /** Labels of present boxes ({@code N x M}, absent ones 0) must name a class. */
    private void checkLabels(NDArray labels) {
        long min = labels.min().getLong();
        long max = labels.max().getLong();
        if (min < 0 || max >= numClasses) {
            throw new IllegalArgumentException("target labels must be in [0, " + numClasses + "), got " + min
                    + ".." + max);
        }
    }

    private static NDArray smoothL1(NDArray diff, double beta) {
        NDArray abs = diff.abs();
        if (beta < 1e-5) {
            return abs;
        }
        float b = (float) beta;
        return NDArrays.where(abs.lt(b), Scalars.mul(abs.square(), 0.5 / b), abs.sub(0.5f * b));
    }

    /** Scored boxes become class targets of strength s on their anchors (quality focal loss). */
    @Override
    public boolean acceptsSoftTargets() {
        return true;
    }

    @Override
    public List<List<Detection>> decode(NDList rawOutputs, List<ImageMeta> metas, Shape inputShape) {
        inputShape = heightWidth(inputShape);
        checkOutputs(rawOutputs, inputShape);
        int numLevels = levels.size();
        long batch = rawOutputs.get(0).getShape().get(0);
        if (metas.size() != batch) {
            throw new IllegalArgumentException("got " + metas.size() + " image metas for a batch of " + batch);
        }
        float inputH = inputShape.get(0);
        float inputW = inputShape.get(1);
        List<List<Detection>> result = new ArrayList<>();
        try (NDManager scratch = rawOutputs.get(0).getManager().newSubManager()) {
            NDList levelAnchors = anchors.anchors(scratch, inputShape);
            for (int i = 0; i < batch; i++) {
                NDList boxes = new NDList();
                NDList scores = new NDList();
                NDList labels = new NDList();
                for (int l = 0; l < numLevels; l++) {
                    NDArray logits = rawOutputs.get(l).get(i);
                    logits.attach(scratch);
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
                    NDArray anchorIndex = index.sub(label).toType(DataType.FLOAT64, false).div((double) numClasses)
                            .round().toType(DataType.INT64, false);
                    NDArray levelDeltas = rawOutputs.get(numLevels + l).get(i);
                    levelDeltas.attach(scratch);
                    NDArray decoded = coder.decode(levelDeltas.get(new NDIndex("{}", anchorIndex)),
                            levelAnchors.get(l).get(new NDIndex("{}", anchorIndex)));
                    boxes.add(Boxes.clip(decoded, inputW, inputH));
                    scores.add(topScores.get(new NDIndex(":{}", above)));
                    labels.add(label);
                }
                result.add(boxes.isEmpty() ? List.of() : Detections.select(NDArrays.concat(boxes), NDArrays.concat(scores),
                        NDArrays.concat(labels), metas.get(i), config.nmsThreshold(), config.maxDetections()));
            }
        }
        return result;
    }

    /** The raw outputs must be this head's, for this input shape (the grids are derived from it). */
    private void checkOutputs(NDList raw, Shape inputShape) {
        int numLevels = levels.size();
        if (raw.size() != 2 * numLevels) {
            throw new IllegalArgumentException("expected " + 2 * numLevels + " raw outputs " + outputNames()
                    + ", got " + raw.size());
        }
        int a = anchors.anchorsPerLocation();
        for (int l = 0; l < numLevels; l++) {
            long[] grid = anchors.gridSize(l, inputShape);
            long rows = grid[0] * grid[1] * a;
            Shape cls = raw.get(l).getShape();
            Shape box = raw.get(numLevels + l).getShape();
            if (cls.dimension() != 3 || cls.get(1) != rows || cls.get(2) != numClasses
                    || box.dimension() != 3 || box.get(1) != rows || box.get(2) != 4) {
                throw new IllegalArgumentException("raw outputs of level " + levels.get(l).name() + " are " + cls
                        + " and " + box + "; for input " + inputShape + " expected N x " + rows + " x " + numClasses
                        + " and N x " + rows + " x 4 (grid " + grid[0] + " x " + grid[1] + ", ceil(input / stride))");
            }
        }
    }

    /** The api passes {@code (H, W)}; a whole batch shape {@code (N, C, H, W)} is accepted too. */
    private static Shape heightWidth(Shape s) {
        int d = s.dimension();
        if (d < 2) {
            throw new IllegalArgumentException("input shape must end in (H, W), got " + s);
        }
        return new Shape(s.get(d - 2), s.get(d - 1));
    }

    private List<String> outputNames() {
        return outputs.stream().map(HeadOutput::name).toList();
    }
}
