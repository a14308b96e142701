package io.hdkd.core.distill;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.api.Partition;
import io.hdkd.api.Taps;
import io.hdkd.api.TrainingProgress;
import io.hdkd.api.WeightSchedule;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One distillation step: the frozen teacher's taps (no graph), the student's forward pass with its taps, the
 * student's own task loss, the partition of the teacher's feature locations (if a partitioner is configured), and
 * each distillation loss. Total = a * task + b * sum(weight_i * loss_i), with {@code a:b} the configured ratio. Each
 * term is reported under its own name, already weighted, so the logged terms add up to the total. A loss's weight
 * follows its schedule ({@link WeightSchedule}) over the run's progress, which the trainer gives before each step.
 */
public final class DistillationStep implements Trainer.StepFunction {

    /**
     * A configured distillation loss: its id in the configuration, its weight, the loss, and the schedule that scales
     * the weight over the run.
     */
    public record WeightedLoss(String id, double weight, DistillationLoss loss, WeightSchedule schedule) {

        /** A loss with a constant weight. */
        public WeightedLoss(String id, double weight, DistillationLoss loss) {
            this(id, weight, loss, WeightSchedule.CONSTANT);
        }

        /** The weight at {@code progress}: the configured weight times the schedule's factor. */
        public double weightAt(TrainingProgress progress) {
            return weight * schedule.factor(progress);
        }
    }

    /**
     * An assistant head on the student's neck: it reads the student's {@code levels} (through {@code adapters} when
     * given), trains on the ground truth with weight {@code weight} (times the task weight; 0 skips that loss), and its
     * raw outputs join the student's taps under their own names, so that losses on the teacher's head outputs (e.g.
     * {@code kl}) reach it. A fresh head (HEAD-style) trains with the student; a {@code frozen} one (a copy of the
     * teacher's head, CrossKD-style) runs in inference mode and only passes the losses' gradients on to its inputs.
     *
     * @param adapters maps the student's levels to the channels the head reads; null when it reads them as they are
     */
    public record Assistant(DetectorHead head, List<String> levels, double weight, Block adapters, boolean frozen) {

        /** A fresh head reading the student's levels as they are. */
        public Assistant(DetectorHead head, List<String> levels, double weight) {
            this(head, levels, weight, null, false);
        }
    }

    /** The metrics key of the teacher's forward time per step, in milliseconds. */
    public static final String TEACHER_MS = "teacher_ms";
    /** The metrics key of the time spent decoding the teacher's detections per step, in milliseconds. */
    public static final String TEACHER_DECODE_MS = "teacher_decode_ms";
    /** The metrics key of the teacher's detections per image in the step (before any loss filters them). */
    public static final String TEACHER_BOXES = "teacher_boxes";

    private final DetectorBlock student;
    private final Teacher teacher;
    private final List<WeightedLoss> losses;
    private final FeaturePartitioner partitioner;
    private final List<String> partitionLevels;
    private final double taskWeight;
    private final double distillWeight;
    private final int partitionEvery;
    private final NDManager partitionManager;
    private final boolean needsDetections;
    private Assistant assistant;
    private double teacherMillis = Double.NaN;
    private double decodeMillis = Double.NaN;
    private double teacherBoxes = Double.NaN;
    /** The step being taken, for the weight schedules (set by the trainer before each step). */
    private TrainingProgress progress = TrainingProgress.UNKNOWN;
    /** The last partition, its arrays in a sub-manager of {@code partitionManager}, and how many steps it served. */
    private Partition cachedPartition;
    private NDManager cachedPartitionArrays;
    private int cachedPartitionAge;

    /** Without a partitioner. */
    public DistillationStep(DetectorBlock student, Teacher teacher, List<WeightedLoss> losses, double taskWeight,
            double distillWeight) {
        this(student, teacher, losses, null, List.of(), 1, null, taskWeight, distillWeight);
    }

    /**
     * @param partitioner may be null
     * @param partitionLevels the teacher feature taps the partitioner splits (e.g. p3..p7)
     * @param partitionEvery re-cluster every this many steps; in between, the last partition is reused for batches of
     *     the same shape (a batch of another shape, e.g. a short last batch, is always partitioned afresh)
     * @param partitionManager holds the reused partition between steps (null without a partitioner)
     * @param taskWeight a of the ratio a:b
     * @param distillWeight b of the ratio a:b
     */
    public DistillationStep(DetectorBlock student, Teacher teacher, List<WeightedLoss> losses,
            FeaturePartitioner partitioner, List<String> partitionLevels, int partitionEvery,
            NDManager partitionManager, double taskWeight, double distillWeight) {
        if (partitioner != null && (partitionEvery < 1 || partitionManager == null || partitionLevels.isEmpty())) {
            throw new IllegalArgumentException("a partitioner needs levels, partitionEvery >= 1 and a manager");
        }
        this.partitionEvery = partitionEvery;
        this.partitionManager = partitionManager;
        this.student = student;
        this.teacher = teacher;
        this.losses = List.copyOf(losses);
        this.partitioner = partitioner;
        this.partitionLevels = List.copyOf(partitionLevels);
        this.taskWeight = taskWeight;
        this.distillWeight = distillWeight;
        this.needsDetections = this.losses.stream().anyMatch(l -> l.loss().needsTeacherDetections());
        if (needsDetections && !teacher.givesDetections()) {
            // DistillationRun.checkDetections refuses this before any work, by the loss's key.
            throw new IllegalArgumentException("a loss needs the teacher's detections, which this teacher does not give");
        }
    }

    /** Trains {@code assistant} beside the student (null: none). */
    public DistillationStep withAssistant(Assistant assistant) {
        this.assistant = assistant;
        return this;
    }

    @Override
    public void beforeStep(TrainingProgress progress) {
        this.progress = progress;
    }

    @Override
    public LossTerms loss(ParameterStore ps, DetectionBatch batch) {
        NDArray images = batch.images();
        long t0 = System.nanoTime();
        Taps teacherTaps = teacher.forward(images);
        // CPU engines compute eagerly, so this is the teacher's whole cost; on a GPU it would only be the launch.
        teacherMillis = (System.nanoTime() - t0) / 1e6;
        DetectorBlock.Result s = student.forwardTaps(ps, images, true);
        Shape inputShape = new Shape(images.getShape().get(2), images.getShape().get(3));
        Map<String, NDArray> terms = new LinkedHashMap<>();
        if (taskWeight != 0) {
            LossTerms task = student.head().loss(s.headOutputs(), batch.targets(), inputShape);
            task.terms().forEach((k, v) -> terms.put("task_" + k, Scalars.mul(v, taskWeight)));
        }
        List<ImageTargets> detections = List.of();
        if (needsDetections) {
            long d0 = System.nanoTime();
            detections = teacher.detections(teacherTaps, inputShape);
            decodeMillis = (System.nanoTime() - d0) / 1e6;
            teacherBoxes = detections.stream().mapToLong(t -> t.labels().size()).average().orElse(0);
        }
        Taps studentTaps = s.taps();
        if (assistant != null) {
            NDList levels = new NDList();
            for (String name : assistant.levels()) {
                levels.add(studentTaps.get(name));
            }
            if (assistant.adapters() != null) {
                levels = assistant.adapters().forward(ps, levels, true);
            }
            // A frozen head keeps its normalisation statistics; autograd still carries gradients through it.
            NDList raw = assistant.head().block().forward(ps, levels, !assistant.frozen());
            if (assistant.weight() != 0) {
                LossTerms own = assistant.head().loss(raw, batch.targets(), inputShape);
                own.terms().forEach((k, v) -> terms.put("assistant_" + k,
                        Scalars.mul(v, taskWeight * assistant.weight())));
            }
            Map<String, NDArray> arrays = new LinkedHashMap<>(studentTaps.arrays());
            Map<String, Integer> strides = new LinkedHashMap<>(studentTaps.strides());
            for (int i = 0; i < raw.size(); i++) {
                arrays.put(assistant.head().outputs().get(i).name(), raw.get(i));
                strides.put(assistant.head().outputs().get(i).name(), assistant.head().outputs().get(i).stride());
            }
            studentTaps = new Taps(arrays, strides);
        }
        Partition partition = partition(teacherTaps, batch);
        DistillationInput input = new DistillationInput(studentTaps, teacherTaps, partition, batch.targets(),
                student.head(), s.headOutputs(), detections, inputShape, progress);
        for (WeightedLoss l : losses) {
            terms.put("kd_" + l.id(), Scalars.mul(l.loss().compute(input), l.weightAt(progress) * distillWeight));
        }
        return new LossTerms(terms);
    }

    /**
     * The last step's teacher forward time as {@code teacher_ms}, each loss's scheduled weight as
     * {@code kd_<id>.weight} (before the ratio), and what each loss reports about itself (e.g. the
     * method's combination weights) as {@code kd_<id>.<name>}.
     */
    @Override
    public Map<String, Double> measures() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!Double.isNaN(teacherMillis)) {
            m.put(TEACHER_MS, teacherMillis);
        }
        if (!Double.isNaN(decodeMillis)) {
            m.put(TEACHER_DECODE_MS, decodeMillis);
            m.put(TEACHER_BOXES, teacherBoxes);
        }
        for (WeightedLoss l : losses) {
            m.put("kd_" + l.id() + ".weight", l.weightAt(progress));
            l.loss().diagnostics().forEach((k, v) -> m.put("kd_" + l.id() + "." + k, v));
        }
        return m;
    }

    private Partition partition(Taps teacherTaps, DetectionBatch batch) {
        if (partitioner == null) {
            return null;
        }
        List<NDArray> features = new ArrayList<>();
        List<FeatureLevel> levels = new ArrayList<>();
        for (String name : partitionLevels) {
            NDArray f = teacherTaps.get(name);
            features.add(f);
            levels.add(new FeatureLevel(name, teacherTaps.strides().get(name), (int) f.getShape().get(1)));
        }
        if (cachedPartition != null && cachedPartitionAge < partitionEvery && sameShapes(cachedPartition, features)) {
            cachedPartitionAge++;
            return cachedPartition;
        }
        Partition fresh = partitioner.partition(features, levels, batch.targets());
        if (partitionEvery == 1) {
            return fresh;
        }
        // Keep a copy that outlives this step's arrays; free the one it replaces.
        NDManager arrays = partitionManager.newSubManager();
        List<NDArray> kept = new ArrayList<>();
        for (NDArray a : fresh.assignments()) {
            NDArray copy = a.duplicate();
            copy.attach(arrays);
            kept.add(copy);
        }
        if (cachedPartitionArrays != null) {
            cachedPartitionArrays.close();
        }
        cachedPartitionArrays = arrays;
        cachedPartition = new Partition(fresh.subspaces(), kept, fresh.weights());
        cachedPartitionAge = 1;
        return cachedPartition;
    }

    /** True if each level's assignment is shaped N x H x W like that level's features. */
    private static boolean sameShapes(Partition p, List<NDArray> features) {
        for (int i = 0; i < features.size(); i++) {
            Shape f = features.get(i).getShape();
            Shape a = p.assignments().get(i).getShape();
            if (a.get(0) != f.get(0) || a.get(1) != f.get(2) || a.get(2) != f.get(3)) {
                return false;
            }
        }
        return true;
    }
}
