package io.hdkd.plugin.retinanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OutputKind;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RetinaNetHeadFactoryTest {

    @Test
    void pluginIsFoundByServiceLoaderAndRegistersTheHead() {
        List<HdkdPlugin> plugins = ServiceLoader.load(HdkdPlugin.class).stream().map(ServiceLoader.Provider::get)
                .toList();
        assertThat(plugins).extracting(HdkdPlugin::name).containsExactly("retinanet");
        HdkdPlugin plugin = plugins.get(0);
        assertThat(plugin.spiVersion()).isEqualTo(HdkdPlugin.SPI_VERSION);
        Map<String, HeadFactory> heads = Guice.createInjector(plugin.module())
                .getInstance(Key.get(new TypeLiteral<Map<String, HeadFactory>>() {}));
        assertThat(heads).containsOnlyKeys("retinanet");
    }

    @Test
    void torchvisionSizedHeadHasTorchvisionsParameterCount() {
        RetinaNetHead head = Heads.create(91, Heads.levels(3, 7, 256), Map.of());
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape[] shapes = new Shape[5];
            for (int i = 0; i < 5; i++) {
                shapes[i] = new Shape(1, 256, 2, 2);
            }
            head.block().initialize(manager, DataType.FLOAT32, shapes);
            long count = 0;
            for (Pair<String, Parameter> p : head.block().getParameters()) {
                count += p.getValue().getArray().size();
            }
            assertThat(count).isEqualTo(6_691_415L);
            // Every parameter has its torchvision name, with torchvision's shapes.
            Map<String, String> names = head.stateDictNames();
            assertThat(names).hasSize(20);
            assertThat(names.values()).containsExactlyInAnyOrderElementsOf(head.block().getParameters().keys());
            assertThat(head.block().getParameters().get(names.get("classification_head.cls_logits.weight"))
                    .getArray().getShape()).isEqualTo(new Shape(819, 256, 3, 3));
            assertThat(head.block().getParameters().get(names.get("regression_head.conv.3.0.bias"))
                    .getArray().getShape()).isEqualTo(new Shape(256));
        }
    }

    @Test
    void initialisationIsThePapersAndOutputsAreNamedPerLevel() {
        RetinaNetHead head = Heads.create(3, Heads.levels(3, 4, 8), Map.of("num-convs", "2"));
        assertThat(head.type()).isEqualTo("retinanet");
        assertThat(head.outputs()).containsExactly(
                new HeadOutput("cls_p3", OutputKind.CLASS_LOGITS_SIGMOID, 8),
                new HeadOutput("cls_p4", OutputKind.CLASS_LOGITS_SIGMOID, 16),
                new HeadOutput("box_p3", OutputKind.BOX_REGRESSION, 8),
                new HeadOutput("box_p4", OutputKind.BOX_REGRESSION, 16));
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape p3 = new Shape(2, 8, 8, 8);
            Shape p4 = new Shape(2, 8, 4, 4);
            head.block().initialize(manager, DataType.FLOAT32, p3, p4);
            for (Pair<String, Parameter> p : head.block().getParameters()) {
                NDArray a = p.getValue().getArray();
                if (p.getKey().endsWith("cls_logits_bias")) {
                    assertThat(a.toFloatArray()).containsOnly((float) -Math.log(99));
                } else if (p.getValue().getType() == Parameter.Type.BIAS) {
                    assertThat(a.toFloatArray()).containsOnly(0f);
                } else {
                    float std = a.pow(2).mean().sqrt().getFloat();
                    assertThat(std).as(p.getKey()).isBetween(0.008f, 0.012f);
                }
            }
            NDList out = head.block().forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(p3), manager.randomNormal(p4)), false);
            assertThat(out).extracting(NDArray::getShape).containsExactly(
                    new Shape(2, 8 * 8 * 9, 3), new Shape(2, 4 * 4 * 9, 3),
                    new Shape(2, 8 * 8 * 9, 4), new Shape(2, 4 * 4 * 9, 4));
            assertThat(head.block().getOutputShapes(new Shape[] {p3, p4}))
                    .containsExactly(out.getShapes());
        }
    }

    @Test
    void outputRowsAreLocationMajorAndAnchorMinor() {
        RetinaNetHead head = Heads.create(2, Heads.levels(3, 3, 4), Map.of("num-convs", "0"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape p3 = new Shape(1, 4, 3, 5);
            head.block().initialize(manager, DataType.FLOAT32, p3);
            NDArray x = manager.randomNormal(p3);
            NDList out = head.block().forward(new ParameterStore(manager, false), new NDList(x), false);
            // The cls conv output at (y, x) channel a * C + c is row (y * W + x) * A + a, column c.
            NDArray w = head.block().getParameters().get("02cls_logits_weight").getArray();
            NDArray b = head.block().getParameters().get("02cls_logits_bias").getArray();
            NDArray conv = Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1))
                    .singletonOrThrow();
            int y = 2;
            int col = 3;
            int a = 7;
            int c = 1;
            float expected = conv.get(0, a * 2 + c, y, col).getFloat();
            float actual = out.get(0).get(0, (y * 5 + col) * 9 + a, c).getFloat();
            assertThat(actual).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void badOptionsAreOneLineErrorsNamingTheKey() {
        assertThatThrownBy(() -> Heads.create(3, Heads.levels(3, 4, 8), Map.of("anchor-sizes", "32")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.head.anchor-sizes")
                .hasMessageContaining("one size per input level");
        assertThatThrownBy(() -> Heads.create(3, Heads.levels(3, 4, 8), Map.of("bg-iou", "0.6")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.head.bg-iou");
        assertThatThrownBy(() -> Heads.create(3, Heads.levels(3, 4, 8), Map.of("box-loss", "iou")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.head.box-loss");
        assertThatThrownBy(() -> Heads.create(3, Heads.levels(3, 4, 8), Map.of("anchor-ratios", "1, x")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.head.anchor-ratios");
        List<FeatureLevel> mixed = List.of(new FeatureLevel("p3", 8, 8), new FeatureLevel("p4", 16, 16));
        assertThatThrownBy(() -> Heads.create(3, mixed, Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("same channels");
        assertThatThrownBy(() -> Heads.create(0, Heads.levels(3, 4, 8), Map.of()))
                .isInstanceOf(InvalidInputException.class);
        DetectorHead ok = Heads.create(3, Heads.levels(3, 4, 8), Map.of("anchor-sizes", "20, 40"));
        assertThat(ok.outputs()).hasSize(4);
    }
}
