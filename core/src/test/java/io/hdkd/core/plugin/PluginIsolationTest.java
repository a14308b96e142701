package io.hdkd.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.ComponentKind;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.Options;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.testing.TestPluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a plugin may reach (its jars, the JDK, the SPI) and that every call into its components swaps loaders. */
class PluginIsolationTest {

    @TempDir
    static Path tmp;

    static LoadedPlugins loaded;

    @BeforeAll
    static void load() throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        String partitioner = "package p.iso;\n"
                + "import io.hdkd.api.*;\n"
                + "import java.util.List;\n"
                + "final class Stripes implements FeaturePartitioner {\n"
                + "  public int subspaces() { return 3; }\n"
                + "  public Partition partition(List<ai.djl.ndarray.NDArray> f, List<FeatureLevel> l,"
                + " List<ImageTargets> t) {\n"
                + "    throw new IllegalStateException(\"context loader: \""
                + " + Thread.currentThread().getContextClassLoader().getName());\n"
                + "  }\n"
                + "}\n";
        Map<String, String> sources = new java.util.HashMap<>(TestPluginJars.pluginSources("p.iso", "iso",
                HdkdPlugin.SPI_VERSION, "partitioner", "PartitionerFactory", "stripes", null));
        sources.put("p.iso.ThingFactory", sources.get("p.iso.ThingFactory").replace(
                "throw new UnsupportedOperationException(\"test fixture\");", "return new Stripes();"));
        sources.put("p.iso.Stripes", partitioner);
        TestPluginJars.jar(plugins.resolve("component.jar"), sources,
                Map.of(TestPluginJars.services(), "p.iso.ThingPlugin\n"));
        // Compiled against core, as a careless plugin might be: at run time its loader cannot reach core.
        TestPluginJars.jar(plugins.resolve("core-linker.jar"),
                TestPluginJars.pluginSources("p.core", "core-linker", HdkdPlugin.SPI_VERSION, "partitioner",
                        "PartitionerFactory", "linked",
                        "binder -> { long s = io.hdkd.core.util.Seeds.mix(1, 2); }"),
                Map.of(TestPluginJars.services(), "p.core.ThingPlugin\n"), true);
        loaded = PluginManager.loadDirectory(plugins);
    }

    @Test
    void aPluginThatLinksAgainstCoreCannotLoadTheCoreClass() {
        assertThat(loaded.refusals()).hasSize(1);
        assertThat(loaded.refusals().get(0).message()).contains("core-linker.jar")
                .contains("'core-linker' failed to start").contains("ClassNotFoundException: io.hdkd.core.util.Seeds (plugin 'core-linker' sees only its own jars");
    }

    @Test
    void callsIntoACreatedComponentRunWithThePluginsContextLoader() {
        RegisteredComponent stripes = loaded.registry().find(ComponentKind.PARTITIONER, "stripes").orElseThrow();
        Options options = Options.of("distill.partitioner.", stripes.factory().options(), Map.of());
        ConfiguredComponent configured = new ConfiguredComponent(ComponentSlot.PARTITIONER, stripes, options);
        FeaturePartitioner p = configured.create(FeaturePartitioner.class,
                new ComponentContext(1, List.of(), null, 1L));
        assertThat(p.subspaces()).isEqualTo(3);
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        assertThatThrownBy(() -> p.partition(List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessage("context loader: hdkd-plugin-component");
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    @Test
    void typedCreationRefusesTheWrongInterface() {
        RegisteredComponent stripes = loaded.registry().find(ComponentKind.PARTITIONER, "stripes").orElseThrow();
        ConfiguredComponent configured = new ConfiguredComponent(ComponentSlot.PARTITIONER, stripes,
                Options.of("distill.partitioner.", stripes.factory().options(), Map.of()));
        assertThatThrownBy(() -> configured.create(DetectorHead.class, new ComponentContext(1, List.of(), null, 1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FeaturePartitioner, not a DetectorHead");
    }
}
