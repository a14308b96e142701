package io.hdkd.plugin.cornernet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Options;
import io.hdkd.api.OutputKind;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class CornerNetHeadFactoryTest {

    static final List<FeatureLevel> FPN = List.of(new FeatureLevel("p3", 8, 256), new FeatureLevel("p4", 16, 256),
            new FeatureLevel("p5", 32, 256), new FeatureLevel("p6", 64, 256), new FeatureLevel("p7", 128, 256));

    private final CornerNetHeadFactory factory = new CornerNetHeadFactory();

    static ComponentContext context(int classes, List<FeatureLevel> levels) {
        return new ComponentContext(classes, levels, Device.cpu(), 42L);
    }

    @Test
    void pluginIsFoundByServiceLoaderAndRegistersTheHead() {
        HdkdPlugin plugin = ServiceLoader.load(HdkdPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("cornernet")).findFirst().orElseThrow();
        assertThat(plugin.spiVersion()).isEqualTo(HdkdPlugin.SPI_VERSION);
        Injector injector = Guice.createInjector(plugin.module());
        Map<String, HeadFactory> heads = injector.getInstance(Key.get(new TypeLiteral<Map<String, HeadFactory>>() {}));
        assertThat(heads).containsOnlyKeys("cornernet");
        assertThat(heads.get("cornernet").options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
    }

    @Test
    void defaultHeadReadsP3AndNamesItsSixOutputs() {
        DetectorHead head = factory.create(Options.defaults(factory.options()), context(80, FPN));
        assertThat(head.type()).isEqualTo("cornernet");
        assertThat(head.outputs()).containsExactly(
                new HeadOutput("tl_heatmap", OutputKind.HEATMAP, 8),
                new HeadOutput("br_heatmap", OutputKind.HEATMAP, 8),
                new HeadOutput("tl_embedding", OutputKind.EMBEDDING, 8),
                new HeadOutput("br_embedding", OutputKind.EMBEDDING, 8),
                new HeadOutput("tl_offset", OutputKind.OFFSET, 8),
                new HeadOutput("br_offset", OutputKind.OFFSET, 8));
    }

    @Test
    void anyInputLevelCanBeChosenAndSetsTheStride() {
        List<FeatureLevel> backbone = List.of(new FeatureLevel("c2", 4, 64), new FeatureLevel("c3", 8, 128));
        DetectorHead head = factory.create(Options.of("model.head.", factory.options(), Map.of("level", "c2")),
                context(3, backbone));
        assertThat(head.outputs()).allSatisfy(o -> assertThat(o.stride()).isEqualTo(4));
    }

    @Test
    void refusesALevelThatIsNotAnInput() {
        Options options = Options.of("model.head.", factory.options(), Map.of("level", "c2"));
        assertThatThrownBy(() -> factory.create(options, context(80, FPN)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.head.level")
                .hasMessageContaining("'c2'")
                .hasMessageContaining("[p3, p4, p5, p6, p7]");
    }

    @Test
    void crossOptionChecksNameTheKey() {
        Options tooMany = Options.of("model.head.", factory.options(),
                Map.of("candidates", "50", "max-detections", "100"));
        assertThatThrownBy(() -> factory.create(tooMany, context(80, FPN)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("bad value for model.head.max-detections: cannot exceed candidates (50) (got '100')");
        // Single-value bounds are declared ranges (SPI 2): refused when the options are read, naming the key.
        assertThatThrownBy(() -> Options.of("model.head.", factory.options(), Map.of("min-overlap", "1.5")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.head.min-overlap");
        assertThatThrownBy(() -> Options.of("model.head.", factory.options(), Map.of("channels", "0")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.head.channels");
    }
}
