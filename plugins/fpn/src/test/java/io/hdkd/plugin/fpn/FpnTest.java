package io.hdkd.plugin.fpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Neck;
import io.hdkd.api.NeckFactory;
import io.hdkd.api.Options;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class FpnTest {

    /** resnet50's c2..c5. */
    private static final List<FeatureLevel> RESNET50 = List.of(new FeatureLevel("c2", 4, 256),
            new FeatureLevel("c3", 8, 512), new FeatureLevel("c4", 16, 1024), new FeatureLevel("c5", 32, 2048));

    private static Neck create(Map<String, String> options, List<FeatureLevel> inputs) {
        FpnFactory factory = new FpnFactory();
        return factory.create(Options.of("model.neck.", factory.options(), options),
                new ComponentContext(80, inputs, Device.cpu(), 3));
    }

    private static Shape[] inputShapes(List<FeatureLevel> levels, int size) {
        return levels.stream().map(l -> new Shape(1, l.channels(), size / l.stride(), size / l.stride()))
                .toArray(Shape[]::new);
    }

    private static long elements(Neck neck) {
        long n = 0;
        for (Pair<String, Parameter> p : neck.block().getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    @Test
    void retinaNetLevelsFromResNet50At512() {
        Neck neck = create(Map.of(), RESNET50);
        assertThat(neck.levels()).containsExactly(new FeatureLevel("p3", 8, 256), new FeatureLevel("p4", 16, 256),
                new FeatureLevel("p5", 32, 256), new FeatureLevel("p6", 64, 256), new FeatureLevel("p7", 128, 256));
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape[] in = inputShapes(RESNET50, 512);
            neck.block().initialize(manager, DataType.FLOAT32, in);
            NDList inputs = new NDList();
            for (Shape s : in) {
                inputs.add(manager.randomNormal(s));
            }
            NDList out = neck.block().forward(new ParameterStore(manager, false), inputs, false);
            Shape[] declared = neck.block().getOutputShapes(in);
            assertThat(out).hasSize(5);
            for (int i = 0; i < 5; i++) {
                int side = 512 / neck.levels().get(i).stride();
                assertThat(out.get(i).getShape()).isEqualTo(new Shape(1, 256, side, side));
                assertThat(declared[i]).isEqualTo(out.get(i).getShape());
            }
            // torchvision's retinanet_resnet50_fpn(): sum(p.numel() for p in model.backbone.fpn.parameters()),
            // measured with torch 1.13 / torchvision 0.14 = 3,868,672.
            assertThat(elements(neck)).isEqualTo(3_868_672L);
        }
    }

    @Test
    void extraFromC5ReadsTheBackboneAndOddSizesFollowTheLaterals() {
        Neck neck = create(Map.of("extra-from", "c5", "channels", "8"), RESNET50.stream()
                .map(l -> new FeatureLevel(l.name(), l.stride(), l.channels() / 64)).toList());
        try (NDManager manager = NDManager.newBaseManager()) {
            // A 100x100 image: c3 13x13, c4 7x7, c5 4x4 (ceil divisions of stride-2 convolutions).
            Shape[] in = {new Shape(1, 4, 25, 25), new Shape(1, 8, 13, 13), new Shape(1, 16, 7, 7), new Shape(1, 32, 4, 4)};
            neck.block().initialize(manager, DataType.FLOAT32, in);
            NDList inputs = new NDList();
            for (Shape s : in) {
                inputs.add(manager.randomNormal(s));
            }
            NDList out = neck.block().forward(new ParameterStore(manager, false), inputs, false);
            assertThat(out).extracting(NDArray::getShape).containsExactly(new Shape(1, 8, 13, 13),
                    new Shape(1, 8, 7, 7), new Shape(1, 8, 4, 4), new Shape(1, 8, 2, 2), new Shape(1, 8, 1, 1));
            // P6 reads C5's 32 channels: 3x3x32x8 + 8 weights.
            long p6 = 0;
            for (Pair<String, Parameter> p : neck.block().getParameters()) {
                if (p.getKey().contains("p6")) {
                    p6 += p.getValue().getArray().size();
                }
            }
            assertThat(p6).isEqualTo(3 * 3 * 32 * 8 + 8);
        }
    }

    @Test
    void nearestUpsamplingMatchesHandValues() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            assertThat(FpnBlock.upsampleNearest(x, 4, 4).toFloatArray()).containsExactly(
                    1, 1, 2, 2,
                    1, 1, 2, 2,
                    3, 3, 4, 4,
                    3, 3, 4, 4);
            // torch: interpolate(size=(3, 3), mode="nearest") takes source index floor(i * 2 / 3) = 0, 0, 1.
            assertThat(FpnBlock.upsampleNearest(x, 3, 3).toFloatArray()).containsExactly(
                    1, 1, 2,
                    1, 1, 2,
                    3, 3, 4);
            NDArray row = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
            // to 4 x 5: rows 0,0,1,1 and columns floor(j * 3 / 5) = 0,0,1,1,2.
            assertThat(FpnBlock.upsampleNearest(row, 4, 5).toFloatArray()).containsExactly(
                    1, 1, 2, 2, 3,
                    1, 1, 2, 2, 3,
                    4, 4, 5, 5, 6,
                    4, 4, 5, 5, 6);
        }
    }

    @Test
    void levelsSubsetAndBadInputs() {
        Neck neck = create(Map.of("levels", "p3,p4,p5"), RESNET50);
        assertThat(neck.levels()).extracting(FeatureLevel::name).containsExactly("p3", "p4", "p5");
        assertThat(neck.block().getChildren().keys()).noneMatch(k -> k.contains("p6") || k.contains("p7"));
        assertThatThrownBy(() -> create(Map.of(), RESNET50.subList(2, 4)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("c3").hasMessageContaining("[c4, c5]");
        assertThatThrownBy(() -> create(Map.of("levels", "p3,p8"), RESNET50))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("model.neck.levels");
        assertThatThrownBy(() -> create(Map.of("extra-from", "p4"), RESNET50))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("model.neck.extra-from");
    }

    @Test
    void pluginRegistersTheNeck() {
        HdkdPlugin plugin = ServiceLoader.load(HdkdPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("fpn")).findFirst().orElseThrow();
        assertThat(plugin.spiVersion()).isEqualTo(HdkdPlugin.SPI_VERSION);
        Map<String, NeckFactory> necks = Guice.createInjector(plugin.module())
                .getInstance(Key.get(new TypeLiteral<Map<String, NeckFactory>>() {}));
        assertThat(necks).containsOnlyKeys("fpn");
    }
}
