package io.hdkd.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.hdkd.api.BackboneFactory;
import io.hdkd.api.ComponentKind;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.PartitionerFactory;
import io.hdkd.core.testing.TestPluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginManagerTest {

    @TempDir
    static Path tmp;

    static Path plugins;
    static LoadedPlugins loaded;

    /** One folder with good plugins and every kind of bad one, loaded once (jars compile in ~1 s each). */
    @BeforeAll
    static void load() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPluginJars.pluginJar(plugins.resolve("a-good.jar"), "p.a", "alpha", HdkdPlugin.SPI_VERSION,
                "partitioner", "PartitionerFactory", "cells");
        // A folder plugin whose jars are its whole class path; built for the oldest SPI version still accepted.
        TestPluginJars.pluginJar(plugins.resolve("b-folder/b.jar"), "p.b", "beta", HdkdPlugin.MIN_SPI_VERSION,
                "backbone", "BackboneFactory", "mini");
        Files.writeString(plugins.resolve("c-corrupt.jar"), "this is not a zip file");
        TestPluginJars.jar(plugins.resolve("d-noservices.jar"),
                TestPluginJars.pluginSources("p.d", "delta", HdkdPlugin.SPI_VERSION, "partitioner",
                        "PartitionerFactory", "d", null), Map.of());
        TestPluginJars.pluginJar(plugins.resolve("e-future.jar"), "p.e", "epsilon", HdkdPlugin.SPI_VERSION + 1,
                "partitioner", "PartitionerFactory", "e");
        TestPluginJars.jar(plugins.resolve("f-throws.jar"),
                TestPluginJars.pluginSources("p.f", "phi", HdkdPlugin.SPI_VERSION, "partitioner", "PartitionerFactory",
                        "f", "binder -> { throw new IllegalStateException(\"no licence file\"); }"),
                Map.of(TestPluginJars.services(), "p.f.ThingPlugin\n"));
        // Same partitioner name as a-good.jar: refused, both plugins named.
        TestPluginJars.pluginJar(plugins.resolve("g-dup.jar"), "p.g", "gamma", HdkdPlugin.SPI_VERSION,
                "partitioner", "PartitionerFactory", "cells");
        Files.createDirectories(plugins.resolve("h-empty"));
        Files.writeString(plugins.resolve("notes.txt"), "not a plugin, ignored");
        loaded = PluginManager.loadDirectory(plugins);
    }

    private static String refusalOf(String entry) {
        return loaded.refusals().stream().filter(r -> r.source().endsWith(entry)).findFirst()
                .orElseThrow(() -> new AssertionError("no refusal for " + entry + " in " + loaded.refusals()))
                .message();
    }

    @Test
    void loadsTheGoodPluginsInNameOrder() {
        assertThat(loaded.registry().plugins()).extracting(PluginInfo::name).containsExactly("alpha", "beta");
        RegisteredComponent cells = loaded.registry().find(ComponentKind.PARTITIONER, "cells").orElseThrow();
        assertThat(cells.plugin().name()).isEqualTo("alpha");
        assertThat(cells.plugin().version()).isEqualTo("1.2.3");
        assertThat(cells.plugin().source()).contains(plugins.resolve("a-good.jar"));
        assertThat(loaded.registry().find(ComponentKind.BACKBONE, "mini").orElseThrow().plugin().source())
                .contains(plugins.resolve("b-folder"));
        // The classpath test plugin's services entry is visible to every child loader, but must not be picked up.
        assertThat(loaded.registry().names(ComponentKind.BACKBONE)).containsExactly("mini");
    }

    @Test
    void refusesEachBadPluginWithOneLineNamingItsJar() {
        assertThat(loaded.refusals()).hasSize(6);
        assertThat(loaded.refusals()).allSatisfy(r -> assertThat(r.message()).doesNotContain("\n"));
        assertThat(refusalOf("c-corrupt.jar")).startsWith("refused plugin " + plugins.resolve("c-corrupt.jar") + ": ")
                .contains("not a readable jar");
        assertThat(refusalOf("d-noservices.jar")).contains("no META-INF/services/io.hdkd.api.HdkdPlugin entry");
        assertThat(refusalOf("e-future.jar")).contains("'epsilon' was built for plugin SPI version "
                + (HdkdPlugin.SPI_VERSION + 1) + ", but this hdkd supports SPI versions " + HdkdPlugin.MIN_SPI_VERSION
                + " to " + HdkdPlugin.SPI_VERSION);
        assertThat(refusalOf("f-throws.jar")).contains("'phi' failed to start").contains("no licence file");
        assertThat(refusalOf("g-dup.jar")).contains("plugin 'gamma'").contains("partitioner 'cells'")
                .contains("plugin 'alpha' (" + plugins.resolve("a-good.jar") + ")");
        assertThat(refusalOf("h-empty")).contains("no .jar files");
    }

    @Test
    void callsIntoAPluginRunWithItsClassLoaderAsContextLoader() {
        RegisteredComponent cells = loaded.registry().find(ComponentKind.PARTITIONER, "cells").orElseThrow();
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        assertThat(cells.factory().description()).isEqualTo("context loader: hdkd-plugin-a-good");
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
        assertThatThrownBy(() -> cells.factory().create(null, null))
                .isInstanceOf(UnsupportedOperationException.class).hasMessage("test fixture");
    }

    @Test
    void exposesTheMergedFactoriesThroughGuice() {
        Injector injector = Guice.createInjector(new ComponentsModule(loaded.registry()));
        Map<String, PartitionerFactory> partitioners =
                injector.getInstance(Key.get(new TypeLiteral<Map<String, PartitionerFactory>>() {}));
        Map<String, BackboneFactory> backbones =
                injector.getInstance(Key.get(new TypeLiteral<Map<String, BackboneFactory>>() {}));
        assertThat(partitioners).containsOnlyKeys("cells");
        assertThat(backbones).containsOnlyKeys("mini");
        assertThat(partitioners.get("cells").options()).extracting(o -> o.key()).containsExactly("cells", "mode");
    }

    @Test
    void findsPluginsOnTheClasspath() {
        LoadedPlugins cp = PluginManager.fromClasspath();
        assertThat(cp.refusals()).isEmpty();
        // core's tests also put real built-in plugins on the classpath; the test plugin must be among them.
        assertThat(cp.registry().plugins()).extracting(PluginInfo::name).contains("cp-test");
        assertThat(cp.registry().plugins()).allMatch(p -> p.sourceText().equals("(classpath)"));
        assertThat(cp.registry().names(ComponentKind.LOSS)).contains("kd", "mse");
    }

    @Test
    void aMissingPluginsFolderIsBadInput() {
        assertThatThrownBy(() -> PluginManager.loadDirectory(tmp.resolve("nope")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nope").hasMessageContaining("does not exist");
    }

    @Test
    void refusalsAreOneLine() {
        assertThat(new PluginRefusal("x.jar", "first\n  second").message()).isEqualTo("refused plugin x.jar: first second");
        assertThat(List.of(loaded.anyRefused())).containsExactly(true);
    }
}
