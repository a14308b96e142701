package io.hdkd.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.report.MetricsLog;
import io.hdkd.core.report.TrainingReport;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.train.optim.AdamW;
import io.hdkd.core.train.optim.Optimizer;
import io.hdkd.core.train.optim.Sgd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop's mechanics on a small regression model: learning, checkpoints, resume, the NaN guard. */
class TrainerTest {

    @TempDir
    Path tmp;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        ai.djl.engine.Engine.getInstance().setRandomSeed(7);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** y = x . w* + noise; batches are a pure function of (epoch, index), as the real loader's. */
    static final class RegressionData implements TrainingData {
        static final int N = 16;
        final int batches;
        final float scale;

        RegressionData(int batches, float scale) {
            this.batches = batches;
            this.scale = scale;
        }

        @Override
        public int batchesPerEpoch() {
            return batches;
        }

        @Override
        public Iterator<DetectionBatch> epoch(int epoch, int firstBatch, NDManager parent) {
            List<DetectionBatch> out = new ArrayList<>();
            for (int b = firstBatch; b < batches; b++) {
                SplittableRandom r = new SplittableRandom(1000L * epoch + b);
                NDManager m = parent.newSubManager();
                float[] x = new float[N * 4];
                float[] y = new float[N];
                for (int i = 0; i < N; i++) {
                    for (int j = 0; j < 4; j++) {
                        x[i * 4 + j] = (float) r.nextGaussian();
                    }
                    y[i] = scale * (x[i * 4] * 2f - x[i * 4 + 1] + 0.5f * x[i * 4 + 3]);
                }
                NDArray images = m.create(x, new Shape(N, 4));
                NDArray target = m.create(y, new Shape(N, 1));
                out.add(new DetectionBatch(images, List.of(new ImageTargets(target, m.zeros(new Shape(0), DataType.INT32))),
                        List.of(new ImageMeta(b, 1, 1, 1f, 1f)), m));
            }
            return out.iterator();
        }
    }

    private Block model() {
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(8).build())
                .add(ai.djl.nn.Activation::relu).add(Linear.builder().setUnits(1).build());
        block.setInitializer(new NormalInitializer(0.3f), Parameter.Type.WEIGHT);
        ai.djl.engine.Engine.getInstance().setRandomSeed(7);
        block.initialize(manager, DataType.FLOAT32, new Shape(4, 4));
        return block;
    }

    private static Trainer.StepFunction mse(Block block) {
        return (ps, batch) -> {
            NDArray pred = block.forward(ps, new NDList(batch.images()), true).singletonOrThrow();
            NDArray diff = pred.sub(batch.targets().get(0).boxes());
            return new LossTerms(Map.of("mse", diff.square().mean()));
        };
    }

    private Trainer trainer(Block block, Optimizer opt, TrainingData data, int epochs, Path run,
            List<TrainingListener> listeners) {
        LrSchedule lr = new LrSchedule(0.01, LrSchedule.Kind.STEP, 3, 0.1, List.of(24), 0.1, epochs * 5, 0);
        Trainer.Settings s = new Trainer.Settings(epochs, 4, 2, 0, 10.0, "run.seed = 1\n");
        return new Trainer(block, manager, mse(block), data, opt, lr, s, run, null, listeners);
    }

    private static float[] flatParams(Block block) {
        List<Float> all = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            for (float f : p.getValue().getArray().toFloatArray()) {
                all.add(f);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    @Test
    void learnsTheRegressionAndEvaluatesEachEpoch() {
        Block block = model();
        // Held-out data: epoch 999 of the same generator.
        DetectionBatch heldOut = new RegressionData(1, 1f).epoch(999, 0, manager).next();
        java.util.function.DoubleSupplier heldOutMse = () -> {
            try (NDManager m = manager.newSubManager()) {
                NDArray pred = block.forward(new ai.djl.training.ParameterStore(m, false),
                        new NDList(heldOut.images()), false).singletonOrThrow();
                return pred.sub(heldOut.targets().get(0).boxes()).square().mean().getFloat();
            }
        };
        double before = heldOutMse.getAsDouble();
        List<Map<String, Double>> evals = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onStep(StepRecord r) {
                steps.add(r.step());
            }

            @Override
            public void onEvaluation(int epoch, long step, Map<String, Double> metrics) {
                evals.add(metrics);
            }
        };
        LrSchedule lr = new LrSchedule(0.02, LrSchedule.Kind.COSINE, 3, 0.1, List.of(), 0.1, 30, 0);
        Trainer t = new Trainer(block, manager, mse(block), new RegressionData(5, 1f), new Sgd(0.9f, 1e-4f, manager),
                lr, new Trainer.Settings(6, 0, 1, 2, 10.0, "x = 1\n"), tmp.resolve("run"),
                epoch -> Map.of("mse", heldOutMse.getAsDouble()), List.of(l));
        Trainer.Result result = t.train();
        assertThat(steps).hasSize(30).startsWith(1L, 2L).endsWith(30L);
        assertThat(evals).hasSize(3);
        double after = heldOutMse.getAsDouble();
        assertThat(after).isLessThan(before * 0.25);
        assertThat(evals.get(2).get("mse")).isEqualTo(after);
        // The result is the last evaluation as eval.jsonl writes it: epoch from 1, step, metrics.
        assertThat(result.finalMetrics()).containsExactly(Map.entry("epoch", 6.0), Map.entry("step", 30.0),
                Map.entry("mse", after));
        assertThat(result.stepMeans().mean("step_ms")).isPositive();
    }

    @Test
    void resumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() throws Exception {
        Block straight = model();
        float[] init = flatParams(straight);
        trainer(straight, new Sgd(0.9f, 1e-4f, manager), new RegressionData(5, 1f), 4, tmp.resolve("a"), List.of())
                .train();
        float[] expected = flatParams(straight);
        assertThat(expected).isNotEqualTo(init);

        // The same run, killed after step 9 (a checkpoint was written at step 8), then resumed by a fresh process-like
        // setup: new block, new optimizer, state only from disk.
        Block killed = model();
        assertThat(flatParams(killed)).isEqualTo(init);
        TrainingListener killer = new TrainingListener() {
            @Override
            public void onStep(StepRecord r) {
                if (r.step() == 9) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        Path run = tmp.resolve("b");
        assertThatThrownBy(() -> trainer(killed, new Sgd(0.9f, 1e-4f, manager), new RegressionData(5, 1f), 4, run,
                List.of(new MetricsLog(run), killer)).train()).hasMessage("killed");
        // The killed run logged step 9 (after its last checkpoint at step 8).
        assertThat(RunFolder.at(run).stepRecords()).hasSize(9);
        Block resumed = model();
        Trainer again = trainer(resumed, new Sgd(0.9f, 1e-4f, manager), new RegressionData(5, 1f), 4, run,
                List.of(new MetricsLog(run)));
        assertThat(Checkpoints.readState(again.checkpoints().latest())).isEqualTo(new TrainingState(1, 3, 8));
        Trainer.Result result = again.resume();
        assertThat(result.state()).isEqualTo(new TrainingState(4, 0, 20));
        // The result's step means cover the whole run, the 8 steps before the checkpoint included: as the file's.
        double fileMean = RunFolder.at(run).stepMeans(List.of("step_ms")).get("step_ms");
        assertThat(result.stepMeans().mean("step_ms")).isCloseTo(fileMean, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.stepMeans().mean("step")).isEqualTo(10.5);
        assertThat(flatParams(resumed)).isEqualTo(expected);
        // Metrics read like an uninterrupted run's: steps 1..20 once each.
        assertThat(RunFolder.at(run).stepRecords()).extracting(o -> o.get("step").getAsLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        String html = Files.readString(TrainingReport.write(run, "resume test"));
        assertThat(html).contains("<svg").contains("Training loss").contains("Learning rate");
    }

    /**
     * What a step makes lives in the batch's manager; the model's manager holds only the parameters and the optimizer
     * state, so it holds as many arrays after the last epoch as after the first. (The gradient-norm computation once
     * left two arrays per parameter per step there, which grew a tiny model's run to gigabytes.)
     */
    @Test
    void theModelsManagerDoesNotGrowFromEpochToEpoch() {
        for (String name : List.of("sgd", "adamw")) {
            Block block = model();
            Optimizer opt = name.equals("sgd") ? new Sgd(0.9f, 1e-4f, manager)
                    : new AdamW(0.9f, 0.999f, 1e-8f, 0.01f, manager);
            List<Integer> arraysAtEpochEnd = new ArrayList<>();
            TrainingListener probe = new TrainingListener() {
                @Override
                public void onCheckpoint(Path checkpoint, TrainingState state) {
                    if (state.batch() == 0) {
                        arraysAtEpochEnd.add(((BaseNDManager) manager).getManagedArrays().size());
                    }
                }
            };
            trainer(block, opt, new RegressionData(5, 1f), 4, tmp.resolve(name), List.of(probe)).train();
            assertThat(arraysAtEpochEnd).as(name).hasSize(4).containsOnly(arraysAtEpochEnd.get(0));
        }
    }

    @Test
    void adamWResumesExactlyToo() {
        Block straight = model();
        trainer(straight, new AdamW(0.9f, 0.999f, 1e-8f, 0.01f, manager), new RegressionData(3, 1f), 3,
                tmp.resolve("a"), List.of()).train();
        float[] expected = flatParams(straight);
        Path run = tmp.resolve("b");
        Block killed = model();
        TrainingListener killer = new TrainingListener() {
            @Override
            public void onStep(StepRecord r) {
                if (r.step() == 6) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        assertThatThrownBy(() -> trainer(killed, new AdamW(0.9f, 0.999f, 1e-8f, 0.01f, manager),
                new RegressionData(3, 1f), 3, run, List.of(killer)).train()).hasMessage("killed");
        Block resumed = model();
        trainer(resumed, new AdamW(0.9f, 0.999f, 1e-8f, 0.01f, manager), new RegressionData(3, 1f), 3, run, List.of())
                .resume();
        assertThat(flatParams(resumed)).isEqualTo(expected);
    }

    @Test
    void nonFiniteLossStopsTheRunNamingTheStepAndKeepsTheLastCheckpoint() throws Exception {
        Block block = model();
        Path run = tmp.resolve("nan");
        // Data scaled so large that SGD without clipping diverges within a few steps.
        Trainer t = new Trainer(block, manager, mse(block), new RegressionData(5, 1e18f), new Sgd(0.9f, 0f, manager),
                new LrSchedule(10, LrSchedule.Kind.CONSTANT, 0, 1, List.of(), 1, 100, 0),
                new Trainer.Settings(10, 1, 3, 0, 0, "x = 1\n"), run, null, List.of());
        assertThatThrownBy(t::train).isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("at step").hasMessageContaining("last good checkpoint");
        Path latest = t.checkpoints().latest();
        if (latest != null) {
            TrainingState s = Checkpoints.readState(latest);
            assertThat(Files.exists(latest.resolve("model.params"))).isTrue();
            assertThat(s.step()).isGreaterThan(0);
        }
        try (var files = Files.list(t.checkpoints().dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp"));
        }
    }
}
