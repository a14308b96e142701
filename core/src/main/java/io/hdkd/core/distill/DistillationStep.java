package io.hdkd.core.distill;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.LossTerms;
import io.hdkd.api.Partition;
import io.hdkd.api.Taps;
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
 * term is reported under its own name, already weighted, so the logged terms add up to the total.
 */
public final class DistillationStep implements Trainer.StepFunction {

    /** A configured distillation loss: its id in the configuration, its weight, the loss. */
    public record WeightedLoss(String id, double weight, DistillationLoss loss) {}

    /** The metrics key of the teacher's forward time per step, in milliseconds. */
    public static final String TEACHER_MS = "teacher_ms";

    private final DetectorBlock student;
    private final Teacher teacher;
    private final List<WeightedLoss> losses;
    private final FeaturePartitioner partitioner;
    private final List<String> partitionLevels;
    private final double taskWeight;
    private final double distillWeight;
    private double teacherMillis = Double.NaN;

    /**
     * @param partitioner may be null
     * @param partitionLevels the teacher feature taps the partitioner splits (e.g. p3..p7)
     * @param taskWeight a of the ratio a:b
     * @param distillWeight b of the ratio a:b
     */
    public DistillationStep(DetectorBlock student, Teacher teacher, List<WeightedLoss> losses,
            FeaturePartitioner partitioner, List<String> partitionLevels, double taskWeight, double distillWeight) {
        this.student = student;
        this.teacher = teacher;
        this.losses = List.copyOf(losses);
        this.partitioner = partitioner;
        this.partitionLevels = List.copyOf(partitionLevels);
        this.taskWeight = taskWeight;
        this.distillWeight = distillWeight;
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
        Partition partition = partition(teacherTaps, batch);
        DistillationInput input = new DistillationInput(s.taps(), teacherTaps, partition, batch.targets());
        for (WeightedLoss l : losses) {
            terms.put("kd_" + l.id(), Scalars.mul(l.loss().compute(input), l.weight() * distillWeight));
        }
        return new LossTerms(terms);
    }

    /** The last step's teacher forward time, as {@code teacher_ms}. */
    @Override
    public Map<String, Double> measures() {
        return Double.isNaN(teacherMillis) ? Map.of() : Map.of(TEACHER_MS, teacherMillis);
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
        return partitioner.partition(features, levels, batch.targets());
    }
}
