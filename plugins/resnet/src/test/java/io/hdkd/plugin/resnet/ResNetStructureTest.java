package io.hdkd.plugin.resnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import io.hdkd.api.Backbone;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ResNetStructureTest {

    /** torchvision 0.14: sum of parameter numel without fc (buffers are not parameters there). */
    @ParameterizedTest
    @CsvSource({
        "resnet18, 11176512",
        "resnet34, 21284672",
        "resnet50, 23508032",
        "resnet101, 42500160",
        "resnext50_32x4d, 22979904"
    })
    void parameterCountsEqualTorchvision(String name, long expected) {
        Backbone backbone = ResNets.create(name, Map.of());
        // Only shapes matter here: constant weights spare drawing ~40M random numbers.
        backbone.block().setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        try (NDManager manager = NDManager.newBaseManager()) {
            backbone.block().initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            assertThat(ResNets.learnableElements(backbone.block())).isEqualTo(expected);
        }
    }

    @Test
    void stateDictNamesCoverEveryParameterWithTorchvisionNames() {
        Backbone backbone = ResNets.create("resnet50", Map.of());
        Map<String, String> names = backbone.stateDictNames();
        assertThat(names.values()).containsExactlyInAnyOrderElementsOf(backbone.block().getParameters().keys());
        assertThat(names).containsKeys("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                "layer1.0.conv1.weight", "layer1.0.conv3.weight", "layer1.0.downsample.0.weight",
                "layer1.0.downsample.1.running_var", "layer3.5.bn3.weight", "layer4.2.conv2.weight");
        assertThat(names).doesNotContainKeys("layer1.1.downsample.0.weight", "fc.weight");
        // 53 conv + 53 bn x 4 tensors (as torchvision's state dict minus num_batches_tracked and fc)
        assertThat(names).hasSize(53 + 53 * 4);
    }

    @ParameterizedTest
    @CsvSource({"resnet18, 0.25, 16, 1", "resnet50, 0.25, 16, 4", "resnext50_32x4d, 0.25, 16, 4", "resnet34, 0.125, 8, 1"})
    void outputsLevelsWithTheirStridesAndChannels(String name, double width, int planes, int expansion) {
        Backbone backbone = ResNets.create(name, Map.of("width", Double.toString(width)));
        assertThat(backbone.levels()).containsExactly(
                new FeatureLevel("c2", 4, planes * expansion),
                new FeatureLevel("c3", 8, 2 * planes * expansion),
                new FeatureLevel("c4", 16, 4 * planes * expansion),
                new FeatureLevel("c5", 32, 8 * planes * expansion));
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape input = new Shape(2, 3, 64, 96);
            backbone.block().initialize(manager, DataType.FLOAT32, input);
            NDList out = backbone.block().forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(input)), false);
            assertThat(out).hasSize(4);
            Shape[] declared = backbone.block().getOutputShapes(new Shape[] {input});
            for (int i = 0; i < 4; i++) {
                FeatureLevel level = backbone.levels().get(i);
                Shape expected = new Shape(2, level.channels(), 64 / level.stride(), 96 / level.stride());
                assertThat(out.get(i).getShape()).isEqualTo(expected);
                assertThat(declared[i]).isEqualTo(expected);
            }
        }
    }

    @Test
    void outLevelsSelectsAndOrdersOutputs() {
        Backbone backbone = ResNets.create("resnet18", Map.of("width", "0.125", "out-levels", "c3, c5"));
        assertThat(backbone.levels()).extracting(FeatureLevel::name).containsExactly("c3", "c5");
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape input = new Shape(1, 3, 64, 64);
            backbone.block().initialize(manager, DataType.FLOAT32, input);
            NDList out = backbone.block().forward(new ParameterStore(manager, false),
                    new NDList(manager.ones(input)), false);
            assertThat(out).extracting(a -> a.getShape()).containsExactly(new Shape(1, 16, 8, 8), new Shape(1, 64, 2, 2));
        }
    }

    @Test
    void badOptionsNameTheKey() {
        assertThatThrownBy(() -> ResNets.create("resnet50", Map.of("frozen-stages", "5")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("model.backbone.frozen-stages");
        assertThatThrownBy(() -> ResNets.create("resnet50", Map.of("out-levels", "c2,p3")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("model.backbone.out-levels");
        assertThatThrownBy(() -> ResNets.create("resnet50", Map.of("out-levels", "c4,c3")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("increasing");
        assertThatThrownBy(() -> ResNets.create("resnext50_32x4d", Map.of("width", "0.1")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("model.backbone.width");
        assertThatThrownBy(() -> ResNets.create("resnet50", Map.of("widht", "0.5")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("did you mean model.backbone.width");
    }
}
