package io.hdkd.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.Partition;
import io.hdkd.api.Taps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link DistillationLoss}: a plugin's test extends this class and implements {@link #factory()};
 * it overrides {@link #pair()} (and {@link #outputShape}) when the loss reads head outputs rather than the default
 * feature levels.
 *
 * <p>Checked: the taps the loss reads exist in the pair; {@code compute} returns a finite 0-d scalar (the host
 * multiplies it by the configured weight and logs it as {@code loss_kd_<id>}); its diagnostics are finite; training
 * the student's taps (and the loss's adapter) by SGD on one fixed batch lowers it; no gradient reaches the teacher's
 * taps; {@code compute} leaves no arrays in the long-lived manager its adapter lives in.
 */
public abstract class DistillationLossContract extends ComponentContract<DistillationLossFactory> {

    @Override
    protected String slotPrefix() {
        return "distill.loss.contract.";
    }

    @Override
    protected List<String> reservedKeys() {
        return List.of("weight");
    }

    protected int numClasses() {
        return 3;
    }

    /**
     * The detectors the loss sits between: by default feature levels p3, p4 (strides 8, 16) with 8 channels in the
     * student and 16 in the teacher, no head outputs, both heads of type {@code retinanet}.
     */
    protected DistillationPair pair() {
        return new DistillationPair(
                List.of(new FeatureLevel("p3", 8, 8), new FeatureLevel("p4", 16, 8)),
                List.of(new FeatureLevel("p3", 8, 16), new FeatureLevel("p4", 16, 16)),
                List.of(), List.of(), "retinanet", "retinanet");
    }

    /**
     * The shape of a head-output tap for a batch; override when {@link #pair()} has head outputs (the api does not
     * say how many channels an output has).
     */
    protected Shape outputShape(HeadOutput output, boolean teacher, int batch) {
        throw new UnsupportedOperationException("override outputShape to give head output '" + output.name()
                + "' a shape");
    }

    /** The partition the loss gets (null: no partitioner configured). */
    protected Partition partition(NDManager manager, Taps teacher) {
        return null;
    }

    /** The padded input's (H, W). */
    protected Shape inputShape() {
        return new Shape(64, 64);
    }

    protected List<ImageTargets> targets(NDManager manager) {
        return Tensors.defaultTargets(manager, numClasses());
    }

    protected int trainingSteps() {
        return 8;
    }

    protected float learningRate() {
        return 0.1f;
    }

    /** The loss as the host creates it, between {@link #pair()}'s detectors. */
    protected final DistillationLoss createLoss() {
        return factory().create(validatedOptions(), baseContext(numClasses()).withPair(pair()));
    }

    /** Every tap of one side: the levels, then the head outputs, in a fixed order and fixed shapes. */
    private Map<String, Shape> tapShapes(boolean teacher, int batch) {
        DistillationPair p = pair();
        Map<String, Shape> out = new LinkedHashMap<>();
        for (FeatureLevel l : teacher ? p.teacherLevels() : p.studentLevels()) {
            Shape hw = Tensors.levelSize(inputShape(), l.stride());
            out.put(l.name(), new Shape(batch, l.channels(), hw.get(0), hw.get(1)));
        }
        for (HeadOutput o : teacher ? p.teacherOutputs() : p.studentOutputs()) {
            out.put(o.name(), outputShape(o, teacher, batch));
        }
        return out;
    }

    private Taps taps(NDManager manager, boolean teacher, int batch, long seed) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, Integer> strides = strides(teacher);
        int i = 0;
        for (Map.Entry<String, Shape> e : tapShapes(teacher, batch).entrySet()) {
            arrays.put(e.getKey(), Tensors.gaussian(manager, e.getValue(), seed * 101 + i++));
        }
        return new Taps(arrays, strides);
    }

    private Map<String, Integer> strides(boolean teacher) {
        DistillationPair p = pair();
        Map<String, Integer> out = new LinkedHashMap<>();
        (teacher ? p.teacherLevels() : p.studentLevels()).forEach(l -> out.put(l.name(), l.stride()));
        (teacher ? p.teacherOutputs() : p.studentOutputs()).forEach(o -> out.put(o.name(), o.stride()));
        return out;
    }

    private DistillationInput input(NDManager manager, Taps student, Taps teacher, DistillationLoss loss) {
        List<ImageTargets> targets = targets(manager);
        List<ImageTargets> detections = List.of();
        if (loss.needsTeacherDetections()) {
            detections = new ArrayList<>();
            for (ImageTargets t : targets) {
                detections.add(new ImageTargets(t.boxes(), t.labels(),
                        manager.full(new Shape(t.labels().size()), 0.9f)));
            }
        }
        return new DistillationInput(student, teacher, partition(manager, teacher), targets, null, null, detections,
                inputShape(), io.hdkd.api.TrainingProgress.UNKNOWN);
    }

    @Test
    void theTapsItReadsExistInThePair() {
        DistillationLoss loss = createLoss();
        Set<String> names = new HashSet<>();
        names.addAll(tapShapes(false, 1).keySet());
        Set<String> teacherNames = tapShapes(true, 1).keySet();
        assertFalse(loss.taps().isEmpty(), "taps() is empty");
        for (String tap : loss.taps()) {
            assertTrue(names.contains(tap) && teacherNames.contains(tap),
                    "tap '" + tap + "' is not a level or head output of both detectors: " + names + " / "
                            + teacherNames);
        }
    }

    @Test
    void computeReturnsAFiniteScalarAndFiniteDiagnostics() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DistillationLoss loss = createLoss();
            loss.adapter().ifPresent(a -> initialiseAdapter(a, manager));
            int batch = targets(manager).size();
            NDArray value = loss.compute(input(manager, taps(manager, false, batch, seed()),
                    taps(manager, true, batch, seed() + 1), loss));
            assertEquals(0, value.getShape().dimension(), "compute returns a 0-d scalar, not " + value.getShape());
            assertTrue(Tensors.allFinite(value), "compute is not finite: " + value.getFloat());
            for (Map.Entry<String, Double> d : loss.diagnostics().entrySet()) {
                assertTrue(Double.isFinite(d.getValue()), "diagnostic " + d.getKey() + " is not finite");
            }
        }
    }

    @Test
    void noGradientReachesTheTeacher() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DistillationLoss loss = createLoss();
            loss.adapter().ifPresent(a -> initialiseAdapter(a, manager));
            int batch = targets(manager).size();
            Taps student = taps(manager, false, batch, seed());
            Taps teacher = taps(manager, true, batch, seed() + 1);
            student.arrays().values().forEach(a -> a.setRequiresGradient(true));
            teacher.arrays().values().forEach(a -> a.setRequiresGradient(true));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(loss.compute(input(manager, student, teacher, loss)));
            }
            for (Map.Entry<String, NDArray> t : teacher.arrays().entrySet()) {
                float max = t.getValue().getGradient().abs().max().getFloat();
                assertEquals(0f, max, "the teacher's tap " + t.getKey() + " received a gradient (max |g| " + max
                        + "): the teacher is frozen, detach its taps (stopGradient)");
            }
        }
    }

    @Test
    void lossFallsWhenTheStudentTrainsOnAFixedBatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DistillationLoss loss = createLoss();
            loss.adapter().ifPresent(a -> initialiseAdapter(a, manager));
            int batch = targets(manager).size();
            // The student's taps are the trained parameters here (and the adapter's, if any).
            Taps student = taps(manager, false, batch, seed());
            student.arrays().values().forEach(a -> a.setRequiresGradient(true));
            Taps teacher = taps(manager, true, batch, seed() + 1);
            List<Float> values = new ArrayList<>();
            for (int step = 0; step < trainingSteps(); step++) {
                try (NDManager stepManager = manager.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray value = loss.compute(input(stepManager, student, teacher, loss));
                    values.add(value.getFloat());
                    gc.backward(value);
                }
                student.arrays().values().forEach(a -> Sgd.update(a, learningRate()));
                loss.adapter().ifPresent(a -> Sgd.step(a, learningRate()));
            }
            assertTrue(values.stream().allMatch(Float::isFinite), "a step's loss is not finite: " + values);
            assertTrue(values.get(values.size() - 1) < values.get(0), "the loss did not fall over "
                    + trainingSteps() + " SGD steps on the student's taps (lr " + learningRate() + "): " + values);
        }
    }

    @Test
    void computeLeavesNothingInTheAdaptersManager() {
        try (NDManager kept = NDManager.newBaseManager()) {
            DistillationLoss loss = createLoss();
            loss.adapter().ifPresent(a -> initialiseAdapter(a, kept));
            java.util.function.Consumer<NDManager> step = m -> {
                int batch = targets(m).size();
                loss.compute(input(m, taps(m, false, batch, seed()), taps(m, true, batch, seed() + 1), loss))
                        .getFloat();
            };
            try (NDManager warm = kept.newSubManager()) {
                step.accept(warm);
            }
            assertNoGrowth(kept, "compute", step);
        }
    }

    private void initialiseAdapter(Block adapter, NDManager manager) {
        Engine.getInstance().setRandomSeed((int) seed());
        // As the host does: adapters know their own shapes from the pair they were created for.
        adapter.initialize(manager, DataType.FLOAT32);
    }
}
