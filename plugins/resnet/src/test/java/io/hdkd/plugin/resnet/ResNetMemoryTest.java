package io.hdkd.plugin.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.hdkd.api.Backbone;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The training forward keeps only its input and outputs in the batch's manager (ForwardScope), and the backward still
 * works.
 */
class ResNetMemoryTest {

    @Test
    void aTrainingForwardLeavesOnlyItsOutputsInTheBatchsManager() {
        Engine.getInstance().setRandomSeed(3);
        Backbone backbone = ResNets.create("resnet18", Map.of("width", "0.125", "out-levels", "c2, c3, c4, c5"));
        try (NDManager model = NDManager.newBaseManager()) {
            Shape input = new Shape(2, 3, 64, 64);
            backbone.block().initialize(model, DataType.FLOAT32, input);
            ParameterStore ps = new ParameterStore(model, false);
            try (NDManager batch = model.newSubManager()) {
                NDArray x = batch.randomNormal(input);
                NDArray loss;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDList levels = backbone.block().forward(ps, new NDList(x), true);
                    // The image and the 4 levels only: the 7-9 convolution, BatchNorm, sum and ReLU results inside
                    // every unit and the stem's are gone with their scopes, and the stem's and the other 4 units'
                    // outputs were released once the next piece had read them (ForwardScope.release); the backward
                    // pass below still reaches the stem through what the graph keeps.
                    assertThat(levels).hasSize(4);
                    assertThat(batch.getManagedArrays()).hasSize(1 + 4);
                    assertThat(batch.getManagedArrays()).containsAll(levels);
                    loss = levels.get(0).sum();
                    for (int i = 1; i < levels.size(); i++) {
                        loss = loss.add(levels.get(i).sum());
                    }
                    collector.backward(loss);
                }
                NDArray stemGradient = backbone.block().getParameters().get(0).getValue().getArray()
                        .getGradient(); // the stem's convolution: the gradient reached the first layer
                assertThat(stemGradient.abs().sum().getFloat()).isGreaterThan(0f);
                assertThat(Float.isFinite(stemGradient.sum().getFloat())).isTrue();
            }
        }
    }
}
