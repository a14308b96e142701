package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Partition;
import io.hdkd.api.Scalars;
import io.hdkd.api.WeightSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hdkd's own method, heterogeneous dark-knowledge distillation: a feature term over receptive-field subspaces, each
 * with its own adapter, combined into one student map; plus soft targets when the heads agree.
 *
 * <p>Per distilled level {@code l}: the student map is aligned to the teacher's channels (1x1 conv where they
 * differ), resized bilinearly to the teacher's size, and passed through every subspace's adapter, giving
 * {@code a_k}. The final student map {@code f} is {@code sum_k m_k a_k} (combination off: each location uses its own
 * subspace's adapter), at a location of subspace {@code j} {@code sum_k softmax(theta_j)_k a_k} (learned weights,
 * a {@code K x K} matrix starting with 0.9 on each subspace's own adapter) or {@code sum_k alpha_k a_k} with a
 * per-location softmax {@code alpha} (attention). With {@code normalize}, {@code f} and the teacher map are
 * standardised per channel over (N, H, W) first. The squared error, averaged over channels, is then averaged
 * WITHIN each subspace over its locations across all levels (a masked mean), giving {@code L_k}; the feature term is
 * {@code sum_k w_k L_k} with the configured subspace weights (summing to 1). So each subspace weighs as configured,
 * whatever its number of locations; an empty subspace contributes 0.
 *
 * <p>Subspaces come from the host's partition ({@link DistillationInput#partition()}, whose levels must be this
 * loss's levels in order), from the levels themselves (one subspace per level), or not at all (one subspace). With
 * channel split, the first call groups the teacher's channels by correlation ({@link ChannelGrouping}) and every
 * subspace adapter's grouped conv follows that grouping from then on.
 */
final class HdkdLoss implements DistillationLoss {

    private static final Logger LOG = LoggerFactory.getLogger(HdkdLoss.class);
    private static final double NORM_EPS = 1e-6;

    /** Where the subspaces come from. */
    enum PartitionSource {
        /** The configured partitioner's K subspaces (stride-contiguous level groups if none is configured). */
        PARTITIONER,
        /** One subspace per distilled level. */
        LEVELS,
        /** A single subspace holding every location. */
        OFF
    }

    /**
     * The static configuration of one loss.
     *
     * @param subspaceWeights one weight per subspace, or null to take the partition's own weights (equal without one)
     */
    record Settings(PartitionSource source, int subspaces, double[] subspaceWeights, boolean channelSplit, int groups,
            boolean normalize, double featureWeight, double softTargetWeight, long seed) {}

    /**
     * What the composite adds beyond {@link Settings}: foreground-aware imitation of the feature term (null: off) and
     * the schedules of the feature and soft-target weights over the run.
     */
    record Extras(FocalImitation.Settings focal, WeightSchedule featureSchedule, WeightSchedule softTargetSchedule) {

        static final Extras NONE = new Extras(null, WeightSchedule.CONSTANT, WeightSchedule.CONSTANT);
    }

    private final List<LevelPair> pairs;
    private final int[] alignIndex;
    private final HdkdAdapters adapters;
    private final Settings settings;
    private final Extras extras;
    private final double[] weights;
    private final SoftTargetKlLoss softTargets;
    private volatile boolean calibrated;
    private volatile boolean warnedNoPartition;
    private volatile Map<String, Double> diagnostics = Map.of();

    /**
     * @param alignIndex per pair, its index among the align adapters, or -1
     * @param softTargets the soft-target term, or null when the heads do not agree (or its weight is 0)
     */
    HdkdLoss(List<LevelPair> pairs, int[] alignIndex, HdkdAdapters adapters, Settings settings,
            SoftTargetKlLoss softTargets) {
        this(pairs, alignIndex, adapters, settings, softTargets, Extras.NONE);
    }

    HdkdLoss(List<LevelPair> pairs, int[] alignIndex, HdkdAdapters adapters, Settings settings,
            SoftTargetKlLoss softTargets, Extras extras) {
        this.extras = extras;
        this.pairs = List.copyOf(pairs);
        this.alignIndex = alignIndex.clone();
        this.adapters = adapters;
        this.settings = settings;
        this.softTargets = softTargets;
        weights = settings.subspaceWeights() == null ? null : normalised(settings.subspaceWeights());
    }

    /** {@code w} scaled to sum 1. */
    static double[] normalised(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        double[] out = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            out[k] = w[k] / sum;
        }
        return out;
    }

    /** The configured weights, or the partition's (equal without a partition or when its weights sum to 0). */
    private double[] subspaceWeights(Partition partition, int k) {
        if (weights != null) {
            return weights;
        }
        double[] w = new double[k];
        float[] given = settings.source() == PartitionSource.PARTITIONER && partition != null ? partition.weights()
                : null;
        double sum = 0;
        for (int j = 0; j < k; j++) {
            w[j] = given == null ? 1 : Math.max(given[j], 0);
            sum += w[j];
        }
        if (!(sum > 0)) {
            Arrays.fill(w, 1);
        }
        return normalised(w);
    }

    List<LevelPair> pairs() {
        return pairs;
    }

    HdkdAdapters adapters() {
        return adapters;
    }

    /** The soft-target term, if the heads agree. */
    Optional<SoftTargetKlLoss> softTargets() {
        return Optional.ofNullable(softTargets);
    }

    @Override
    public List<String> taps() {
        Set<String> names = new LinkedHashSet<>();
        pairs.forEach(p -> names.add(p.teacher().name()));
        pairs.forEach(p -> names.add(p.student().name()));
        if (softTargets != null) {
            names.addAll(softTargets.taps());
        }
        return new ArrayList<>(names);
    }

    @Override
    public boolean requiresSameHeadType() {
        return false;
    }

    @Override
    public Optional<Block> adapter() {
        return Optional.of(adapters);
    }

    @Override
    public Map<String, Double> diagnostics() {
        return diagnostics;
    }

    @Override
    public NDArray compute(DistillationInput input) {
        if (!adapters.isInitialized()) {
            throw new IllegalStateException("loss 'hdkd': initialise its adapter block before training, e.g. "
                    + "adapter().get().initialize(manager, DataType.FLOAT32)");
        }
        Map<String, Double> diag = new LinkedHashMap<>();
        NDArray anyStudent = input.student().get(pairs.get(0).student().name());
        ParameterStore parameterStore = new ParameterStore(anyStudent.getManager(), false);
        List<NDArray> teachers = new ArrayList<>();
        for (LevelPair pair : pairs) {
            teachers.add(Teacher.detached(input.teacher().get(pair.teacher().name()), anyStudent));
        }
        if (settings.channelSplit() && !calibrated) {
            calibrate(teachers);
        }
        int k = subspaceCount();
        NDArray combinationWeights = null;
        if (adapters.combination() == HdkdAdapters.Combination.WEIGHTS) {
            combinationWeights = adapters.logits(parameterStore, anyStudent).softmax(1);
            // An operation's result joins its first input's manager, here the logits parameter's, which lives as long
            // as the model: left there, these weights, the mixes computed from them and the autograd graph those hold
            // (every adapted map of the step) were never freed. Moved to the step's manager they go with the batch.
            combinationWeights.attach(anyStudent.getManager());
        }
        NDArray[] maskedError = new NDArray[k];
        NDArray[] locations = new NDArray[k];
        FocalImitation.Settings focal = extras.focal();
        NDArray[] backgroundError = new NDArray[k];
        NDArray[] backgroundLocations = new NDArray[k];
        NDArray attentionImitation = null;
        NDArray attentionSum = null;
        long attentionCount = 0;
        for (int i = 0; i < pairs.size(); i++) {
            LevelPair pair = pairs.get(i);
            NDArray teacher = teachers.get(i);
            NDArray student = input.student().get(pair.student().name());
            if (alignIndex[i] >= 0) {
                student = adapters.align().adapt(alignIndex[i], student, parameterStore, true);
            }
            Shape ts = teacher.getShape();
            student = FeatureMaps.resize(student, ts.get(2), ts.get(3));
            FeatureMaps.requireSameShape("loss 'hdkd' level " + pair.teacher().name(), student, teacher);
            List<NDArray> masks = masks(input.partition(), i, teacher);
            // all subspace adapters share one grouping: work in its channel order, permuting each side once
            int[] order = adapters.subspaces().get(0).permutation();
            if (order != null) {
                student = SubspaceAdapter.permute(student, order);
                teacher = SubspaceAdapter.permute(teacher, order);
            }
            List<NDArray> adapted = new ArrayList<>(k);
            for (SubspaceAdapter adapter : adapters.subspaces()) {
                adapted.add(adapter.convolve(student, parameterStore, true));
            }
            NDArray combined = null;
            if (adapters.combination() == HdkdAdapters.Combination.OFF) {
                for (int j = 0; j < k; j++) {
                    NDArray term = adapted.get(j).mul(masks.get(j));
                    combined = combined == null ? term : combined.add(term);
                }
            } else if (adapters.combination() == HdkdAdapters.Combination.WEIGHTS) {
                // mixes[j] = sum_k P[j, k] a_k, one matMul over the stacked maps; then each location takes its
                // subspace's mix
                NDArray stacked = NDArrays.stack(new NDList(adapted));
                Shape one = adapted.get(0).getShape();
                NDArray mixes = combinationWeights.matMul(stacked.reshape(k, -1));
                for (int j = 0; j < k; j++) {
                    NDArray term = mixes.get(j).reshape(one).mul(masks.get(j));
                    combined = combined == null ? term : combined.add(term);
                }
            }
            if (adapters.combination() == HdkdAdapters.Combination.ATTENTION) {
                NDArray alpha = adapters.attention(student, parameterStore, true);
                for (int j = 0; j < k; j++) {
                    NDArray term = adapted.get(j).mul(alpha.get(":, {}:{}", j, j + 1));
                    combined = combined == null ? term : combined.add(term);
                }
                NDArray levelSum = alpha.stopGradient().sum(new int[] {3}).sum(new int[] {2}).sum(new int[] {0});
                attentionSum = attentionSum == null ? levelSum : attentionSum.add(levelSum);
                attentionCount += ts.get(0) * ts.get(2) * ts.get(3);
            }
            NDArray combinedRaw = combined;
            NDArray teacherRaw = teacher;
            if (settings.normalize()) {
                combined = standardise(combined);
                teacher = standardise(teacher);
            }
            if (focal != null) {
                // Foreground-aware: the teacher's attention weights each element's error; within each subspace the
                // foreground (scale mask) and the background are averaged separately (see docs/METHOD.md).
                double t = focal.temperature();
                NDArray error = combined.sub(teacher).square()
                        .mul(FocalImitation.channelAttention(teacherRaw, t)).mean(new int[] {1}, true)
                        .mul(FocalImitation.spatialAttention(teacherRaw, t));
                NDArray[] gt = FocalImitation.masks(input.targets(), ts.get(0), (int) ts.get(2), (int) ts.get(3),
                        pair.teacher().stride(), anyStudent.getManager(), "loss 'hdkd' level " + pair.teacher().name());
                for (int j = 0; j < k; j++) {
                    NDArray fg = masks.get(j).mul(gt[0]);
                    NDArray bg = masks.get(j).mul(gt[1]);
                    maskedError[j] = accumulate(maskedError[j], error.mul(fg).sum());
                    locations[j] = accumulate(locations[j], fg.sum());
                    backgroundError[j] = accumulate(backgroundError[j], error.mul(bg).sum());
                    backgroundLocations[j] = accumulate(backgroundLocations[j], bg.sum());
                }
                if (focal.attentionWeight() > 0) {
                    attentionImitation = accumulate(attentionImitation,
                            FocalImitation.attentionImitation(combinedRaw, teacherRaw, t));
                }
                continue;
            }
            NDArray error = combined.sub(teacher).square().mean(new int[] {1}, true);
            for (int j = 0; j < k; j++) {
                NDArray m = masks.get(j);
                NDArray e = error.mul(m).sum();
                NDArray n = m.sum();
                maskedError[j] = maskedError[j] == null ? e : maskedError[j].add(e);
                locations[j] = locations[j] == null ? n : locations[j].add(n);
            }
        }
        NDArray feature = null;
        double[] weights = subspaceWeights(input.partition(), k);
        for (int j = 0; j < k; j++) {
            NDArray loss;
            if (focal == null) {
                loss = maskedError[j].div(Scalars.maximum(locations[j], 1));
            } else {
                // weighted means; a subspace without foreground (or background) mass contributes 0 for that part
                NDArray fg = maskedError[j].div(Scalars.maximum(locations[j], 1e-12));
                NDArray bg = backgroundError[j].div(Scalars.maximum(backgroundLocations[j], 1e-12));
                loss = Scalars.mul(fg, focal.foregroundWeight()).add(Scalars.mul(bg, focal.backgroundWeight()));
                diag.put(String.format(Locale.ROOT, "subspace%d.foreground", j), number(fg));
                diag.put(String.format(Locale.ROOT, "subspace%d.background", j), number(bg));
            }
            diag.put(String.format(Locale.ROOT, "subspace%d.loss", j), number(loss));
            NDArray weighted = Scalars.mul(loss, weights[j]);
            feature = feature == null ? weighted : feature.add(weighted);
        }
        if (combinationWeights != null) {
            float[] w = combinationWeights.toType(DataType.FLOAT32, false).toFloatArray();
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < k; i++) {
                    diag.put("combination.w" + j + "_" + i, (double) w[j * k + i]);
                }
            }
        } else if (attentionSum != null) {
            float[] w = attentionSum.toType(DataType.FLOAT32, false).toFloatArray();
            for (int j = 0; j < w.length; j++) {
                diag.put("combination.w" + j, (double) w[j] / attentionCount);
            }
        }
        if (attentionImitation != null) {
            NDArray attention = Scalars.div(attentionImitation, pairs.size());
            diag.put("attention", number(attention));
            feature = feature.add(Scalars.mul(attention, focal.attentionWeight()));
        }
        diag.put("feature", number(feature));
        double featureWeight = settings.featureWeight() * extras.featureSchedule().factor(input.progress());
        diag.put("feature.weight", featureWeight);
        NDArray total = Scalars.mul(feature, featureWeight);
        if (softTargets != null) {
            NDArray soft = softTargets.compute(input);
            diag.put("soft_targets", number(soft));
            double softWeight = settings.softTargetWeight() * extras.softTargetSchedule().factor(input.progress());
            diag.put("soft_targets.weight", softWeight);
            total = total.add(Scalars.mul(soft, softWeight));
        }
        diagnostics = Collections.unmodifiableMap(diag);
        return total;
    }

    private static NDArray accumulate(NDArray sum, NDArray term) {
        return sum == null ? term : sum.add(term);
    }

    private static double number(NDArray scalar) {
        return scalar.toType(DataType.FLOAT64, false).getDouble();
    }

    /** K as used at compute time: the configured K, or the number of levels, or 1. */
    int subspaceCount() {
        return adapters.subspaces().size();
    }

    /** With partition = partitioner, K must equal the partitioner's: the host checks it before any work. */
    @Override
    public java.util.Optional<PartitionNeed> partitionNeed() {
        return settings.source() == PartitionSource.PARTITIONER
                ? java.util.Optional.of(new PartitionNeed(subspaceCount(), HdkdLossFactory.SUBSPACES))
                : java.util.Optional.empty();
    }

    /** Groups the teacher's channels once, from the first batch the loss sees, and fixes the adapters' groups. */
    private synchronized void calibrate(List<NDArray> teachers) {
        if (calibrated) {
            return;
        }
        ChannelGrouping grouping = ChannelGrouping.of(teachers, adapters.subspaces().get(0).groups(), settings.seed());
        adapters.setGrouping(grouping);
        LOG.info("loss 'hdkd': teacher channels grouped into {} groups by correlation on the first batch",
                adapters.subspaces().get(0).groups());
        calibrated = true;
    }

    /** The K float masks {@code (N, 1, H, W)} of level {@code level}'s locations, 1 inside each subspace. */
    private List<NDArray> masks(Partition partition, int level, NDArray teacher) {
        int k = subspaceCount();
        Shape s = teacher.getShape();
        NDArray ones = teacher.getManager().ones(new Shape(s.get(0), 1, s.get(2), s.get(3)));
        List<NDArray> masks = new ArrayList<>(k);
        int only;
        switch (settings.source()) {
            case OFF:
                return List.of(ones);
            case LEVELS:
                only = level;
                break;
            default:
                if (partition != null) {
                    return partitionMasks(partition, level, teacher, ones);
                }
                if (!warnedNoPartition) {
                    warnedNoPartition = true;
                    LOG.warn("loss 'hdkd': no partition given (no distill.partitioner configured); its {} subspaces "
                            + "follow the levels instead ({} levels, split into {} stride-contiguous groups)",
                            k, pairs.size(), k);
                }
                only = (int) ((long) level * k / pairs.size());
        }
        NDArray zeros = ones.zerosLike();
        for (int j = 0; j < k; j++) {
            masks.add(j == only ? ones : zeros);
        }
        return masks;
    }

    private List<NDArray> partitionMasks(Partition partition, int level, NDArray teacher, NDArray ones) {
        int k = subspaceCount();
        if (partition.subspaces() != k) {
            throw new InvalidInputException("loss 'hdkd' has " + k + " subspace adapters (option subspaces) but the "
                    + "partitioner produced " + partition.subspaces() + " subspaces; set both to the same K");
        }
        if (partition.assignments().size() != pairs.size()) {
            throw new InvalidInputException("loss 'hdkd' distils " + pairs.size() + " levels " + teacherNames()
                    + " but the partition covers " + partition.assignments().size()
                    + "; partition exactly the loss's levels, in the same order");
        }
        Shape s = teacher.getShape();
        Shape expected = new Shape(s.get(0), s.get(2), s.get(3));
        NDArray assignment = partition.assignments().get(level);
        if (!assignment.getShape().equals(expected)) {
            throw new InvalidInputException("loss 'hdkd' level " + pairs.get(level).teacher().name() + " is "
                    + expected + " but the partition's level " + level + " is " + assignment.getShape()
                    + "; partition exactly the loss's levels, in the same order");
        }
        List<NDArray> masks = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            masks.add(Teacher.detached(partition.mask(level, j), ones));
        }
        return masks;
    }

    private List<String> teacherNames() {
        return pairs.stream().map(p -> p.teacher().name()).toList();
    }

    /**
     * Each channel standardised over (N, H, W), kept as {@code N x C x H x W}; the means are taken one axis at a time
     * (equal sizes along each axis make the mean of means the overall mean).
     */
    static NDArray standardise(NDArray x) {
        NDArray mean = x.mean(new int[] {3}, true).mean(new int[] {2}, true).mean(new int[] {0}, true);
        NDArray centred = x.sub(mean);
        NDArray variance = centred.square().mean(new int[] {3}, true).mean(new int[] {2}, true)
                .mean(new int[] {0}, true);
        return centred.div(variance.add(NORM_EPS).sqrt());
    }
}
