package io.hdkd.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import io.hdkd.api.Backbone;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.api.Options;
import io.hdkd.api.Taps;
import io.hdkd.api.TrainingProgress;
import io.hdkd.api.WeightSchedule;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.train.optim.Gradients;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A one-weight student (a 1x1 conv, w = 3, no bias) on a one-pixel image x = 2, a teacher tap t = 1, and the loss
 * mean((s - t)^2): s = 6, loss 25, d loss / d w = 2 (s - t) x = 20. With loss weight 2 and a cosine-decay schedule
 * over 10 steps, the step's total and the gradient are 2 * factor * (25, 20) with factor 1, 0.5 and 0 at steps 0,
 * 5 and 10.
 */
class DistillationStepScheduleTest {

    @Test
    void theScheduledWeightScalesTheTotalAndTheGradientAsComputedByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).optBias(false).build();
            conv.setInitializer(new ConstantInitializer(3f), ai.djl.nn.Parameter.Type.WEIGHT);
            DetectorBlock student = new DetectorBlock(backbone(conv), null, head());
            student.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 1, 1));
            WeightSchedule cosine = WeightSchedule.of(Options.of("distill.loss.m.",
                    WeightSchedule.options("schedule", "w"), Map.of("schedule", "cosine-decay")), "schedule");
            DistillationStep step = new DistillationStep(student, teacher(),
                    List.of(new DistillationStep.WeightedLoss("m", 2.0, new Mse(), cosine)), 0, 1);
            ParameterStore ps = new ParameterStore(manager, false);
            double[][] expected = {{0, 1}, {5, 0.5}, {10, 0}};
            for (double[] e : expected) {
                step.beforeStep(new TrainingProgress((long) e[0], 10));
                Gradients.zero(conv.getParameters().get("weight"));
                try (NDManager batchManager = manager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray image = batchManager.full(new Shape(1, 1, 1, 1), 2f);
                    DetectionBatch batch = new DetectionBatch(image, List.of(), List.of(), batchManager);
                    LossTerms terms = step.loss(ps, batch);
                    NDArray total = terms.total();
                    assertThat(total.getFloat()).as("total at step %s", e[0]).isCloseTo((float) (2 * e[1] * 25),
                            within(1e-4f));
                    collector.backward(total);
                    NDArray grad = conv.getParameters().get("weight").getArray().getGradient();
                    assertThat(grad.getFloat()).as("gradient at step %s", e[0]).isCloseTo((float) (2 * e[1] * 20),
                            within(1e-4f));
                    assertThat(step.measures()).containsEntry("kd_m.weight", 2 * e[1]);
                }
            }
        }
    }

    /** mean((student c3 - teacher c3)^2). */
    private static final class Mse implements DistillationLoss {
        @Override
        public List<String> taps() {
            return List.of("c3");
        }

        @Override
        public boolean requiresSameHeadType() {
            return false;
        }

        @Override
        public NDArray compute(DistillationInput input) {
            return input.student().get("c3").sub(input.teacher().get("c3")).square().mean();
        }
    }

    private static Backbone backbone(Block conv) {
        return new Backbone() {
            @Override
            public Block block() {
                return conv;
            }

            @Override
            public List<FeatureLevel> levels() {
                return List.of(new FeatureLevel("c3", 8, 1));
            }
        };
    }

    /** A head without outputs: the task loss is off (weight 0), so only its block runs. */
    private static DetectorHead head() {
        Block identity = new LambdaBlock(list -> new NDList(), "none");
        return new DetectorHead() {
            @Override
            public String type() {
                return "none";
            }

            @Override
            public Block block() {
                return identity;
            }

            @Override
            public List<HeadOutput> outputs() {
                return List.of();
            }

            @Override
            public LossTerms loss(NDList rawOutputs, List<ImageTargets> targets, Shape inputShape) {
                throw new AssertionError("the task loss is off");
            }

            @Override
            public List<List<Detection>> decode(NDList rawOutputs, List<ImageMeta> metas, Shape inputShape) {
                return List.of();
            }
        };
    }

    private static Teacher teacher() {
        return new Teacher() {
            @Override
            public Taps forward(NDArray images) {
                NDArray t = images.getManager().ones(new Shape(1, 1, 1, 1));
                return new Taps(Map.of("c3", t), Map.of("c3", 8));
            }

            @Override
            public List<FeatureLevel> levels() {
                return List.of(new FeatureLevel("c3", 8, 1));
            }

            @Override
            public List<HeadOutput> outputs() {
                return List.of();
            }

            @Override
            public String headType() {
                return null;
            }

            @Override
            public void close() {}
        };
    }
}
