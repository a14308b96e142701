package io.hdkd.plugin.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.hdkd.api.Backbone;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One real SGD step through DJL's Trainer, comparing every parameter before and after. */
class ResNetFreezingTest {

    /** Runs one training step; returns the snapshot before and after, keyed by torchvision name. */
    private static Map<String, float[]>[] trainOneStep(Backbone backbone) {
        Engine.getInstance().setRandomSeed(11);
        try (Model model = Model.newInstance("resnet-freezing")) {
            model.setBlock(backbone.block());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                Shape input = new Shape(2, 3, 64, 64);
                trainer.initialize(input);
                // Non-trivial inputs so that batch statistics differ from the initial running statistics.
                NDArray x = trainer.getManager().randomNormal(input).mul(3).add(1);
                Map<String, float[]> before = byTorchName(backbone, ResNets.snapshot(backbone.block()));
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList out = trainer.forward(new NDList(x));
                    NDArray loss = null;
                    for (NDArray level : out) {
                        NDArray term = level.square().mean();
                        loss = loss == null ? term : loss.add(term);
                    }
                    collector.backward(loss);
                }
                trainer.step();
                Map<String, float[]> after = byTorchName(backbone, ResNets.snapshot(backbone.block()));
                @SuppressWarnings("unchecked")
                Map<String, float[]>[] result = new Map[] {before, after};
                return result;
            }
        }
    }

    private static Map<String, float[]> byTorchName(Backbone backbone, Map<String, float[]> byPath) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        backbone.stateDictNames().forEach((torch, path) -> out.put(torch, byPath.get(path)));
        return out;
    }

    @Test
    void frozenStagesKeepWeightsAndStatisticsWhileLaterStagesTrain() {
        Backbone backbone = ResNets.create("resnet18", Map.of("width", "0.25", "frozen-stages", "1"));
        Map<String, float[]>[] ba = trainOneStep(backbone);
        Map<String, float[]> before = ba[0];
        Map<String, float[]> after = ba[1];
        int frozenChecked = 0;
        for (String name : before.keySet()) {
            boolean frozen = name.startsWith("conv1.") || name.startsWith("bn1.") || name.startsWith("layer1.");
            if (frozen) {
                assertThat(after.get(name)).as(name).containsExactly(before.get(name));
                frozenChecked++;
            }
        }
        assertThat(frozenChecked).isEqualTo(5 + 4 * 5 /* stem conv + bn, layer1: 2 units x 2 convs + bns */);
        for (String name : new String[] {"layer2.0.conv1.weight", "layer2.0.bn1.weight", "layer2.0.bn1.running_mean",
            "layer2.0.bn1.running_var", "layer4.1.conv2.weight", "layer4.1.bn2.running_mean"}) {
            assertThat(after.get(name)).as(name).isNotEqualTo(before.get(name));
        }
    }

    @Test
    void normEvalKeepsEveryBatchNormStatisticWhileWeightsTrain() {
        Backbone backbone = ResNets.create("resnet18", Map.of("width", "0.25", "norm-eval", "true"));
        Map<String, float[]>[] ba = trainOneStep(backbone);
        for (String name : ba[0].keySet()) {
            if (name.endsWith("running_mean") || name.endsWith("running_var")) {
                assertThat(ba[1].get(name)).as(name).containsExactly(ba[0].get(name));
            }
        }
        assertThat(ba[1].get("conv1.weight")).isNotEqualTo(ba[0].get("conv1.weight"));
        assertThat(ba[1].get("layer1.0.bn1.weight")).isNotEqualTo(ba[0].get("layer1.0.bn1.weight"));
    }

    @Test
    void withoutFreezingStemStatisticsMove() {
        Backbone backbone = ResNets.create("resnet18", Map.of("width", "0.25"));
        Map<String, float[]>[] ba = trainOneStep(backbone);
        assertThat(ba[1].get("bn1.running_mean")).isNotEqualTo(ba[0].get("bn1.running_mean"));
        assertThat(ba[1].get("conv1.weight")).isNotEqualTo(ba[0].get("conv1.weight"));
    }

    @Test
    void stagesAboveTheLastOutputLevelAreFrozenSoTrainingWorks() {
        Backbone backbone = ResNets.create("resnet18", Map.of("width", "0.25", "out-levels", "c2,c3"));
        var parameters = backbone.block().getParameters();
        Map<String, String> names = backbone.stateDictNames();
        // Frozen, not merely gradient-free: weight decay and parameter summaries must leave them alone too.
        assertThat(parameters.get(names.get("layer3.0.conv1.weight")).requiresGradient()).isFalse();
        assertThat(parameters.get(names.get("layer4.1.bn2.weight")).requiresGradient()).isFalse();
        assertThat(parameters.get(names.get("layer2.1.bn2.weight")).requiresGradient()).isTrue();
        Map<String, float[]>[] ba = trainOneStep(backbone);
        assertThat(ba[1].get("layer3.0.conv1.weight")).containsExactly(ba[0].get("layer3.0.conv1.weight"));
        assertThat(ba[1].get("layer4.1.bn2.running_var")).containsExactly(ba[0].get("layer4.1.bn2.running_var"));
        assertThat(ba[1].get("layer2.0.conv1.weight")).isNotEqualTo(ba[0].get("layer2.0.conv1.weight"));
    }
}
