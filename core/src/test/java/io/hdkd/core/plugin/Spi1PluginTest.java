package io.hdkd.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Taps;
import io.hdkd.api.TrainingProgress;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.pipeline.Pipelines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binary compatibility with SPI 1 (docs/SPI.md): {@code plugins/spi1-fixture.jar} was compiled against the api jar of
 * commit 53b17cf (SPI 1), not against today's api (scripts/spi1-plugin/build.sh rebuilds it). The current host must
 * load it, resolve its options (declared with the SPI-1 {@code OptionSpec} constructor), give it the SPI-2 defaults and
 * run its loss on an input built the way the host builds it now.
 */
class Spi1PluginTest {

    @TempDir
    static Path tmp;

    static LoadedPlugins loaded;

    @BeforeAll
    static void load() throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        try (InputStream jar = Spi1PluginTest.class.getResourceAsStream("/plugins/spi1-fixture.jar")) {
            assertThat(jar).as("test resource plugins/spi1-fixture.jar").isNotNull();
            Files.copy(jar, plugins.resolve("spi1-fixture.jar"));
        }
        loaded = PluginManager.loadDirectory(plugins);
    }

    @Test
    void theHostAcceptsThePluginBuiltForSpi1() {
        assertThat(loaded.refusals()).isEmpty();
        PluginInfo info = loaded.registry().plugin("spi1-fixture").orElseThrow();
        assertThat(info.spiVersion()).isEqualTo(1).isEqualTo(HdkdPlugin.MIN_SPI_VERSION);
        assertThat(info.version()).isEqualTo("1.0.0");
    }

    @Test
    void itsLossResolvesAndRunsWithTheSpi2DefaultsAndInput() {
        ConfiguredComponent configured = loss("0.5", "p3");
        assertThat(configured.options().getDouble("scale")).isEqualTo(0.5);
        // SPI-2 default methods the SPI-1 classes never declared.
        assertThat(configured.component().factory().check(configured.options())).isEmpty();
        DistillationLoss loss = configured.create(DistillationLoss.class, context());
        assertThat(loss.taps()).containsExactly("p3");
        assertThat(loss.needsTeacherDetections()).isFalse();
        assertThat(loss.partitionNeed()).isEmpty();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray student = manager.full(new Shape(2, 4, 4, 4), 3f);
            NDArray teacher = manager.ones(new Shape(2, 4, 4, 4));
            // The nine-component input the host builds for SPI-2 losses; the plugin reads only the SPI-1 four.
            DistillationInput input = new DistillationInput(new Taps(Map.of("p3", student), Map.of("p3", 8)),
                    new Taps(Map.of("p3", teacher), Map.of("p3", 8)), null, List.of(), null, null, List.of(), null,
                    new TrainingProgress(0, 10));
            NDArray value = loss.compute(input);
            assertThat(value.getShape().dimension()).isZero();
            // mean((3 - 1)^2) * scale 0.5
            assertThat(value.getFloat()).isEqualTo(2f);
            assertThat(loss.diagnostics()).containsEntry("images", 0.0);
        }
    }

    @Test
    void itsOwnRefusalNamesTheKeyToChange() {
        ConfiguredComponent configured = loss("1.0", "p9");
        assertThatThrownBy(() -> configured.create(DistillationLoss.class, context()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("distill.loss.m.level")
                .hasMessageContaining("[p3, p4]");
    }

    private static ConfiguredComponent loss(String scale, String level) {
        return new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(Map.of("distill.losses", "m",
                "distill.loss.m.type", "spi1-match", "distill.loss.m.scale", scale, "distill.loss.m.level", level))
                .losses().get(0);
    }

    private static ComponentContext context() {
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 4), new FeatureLevel("p4", 16, 4));
        return new ComponentContext(2, List.of(), Device.cpu(), 1).withPair(
                new DistillationPair(levels, levels, List.of(), List.of(), "retinanet", "retinanet"));
    }
}
