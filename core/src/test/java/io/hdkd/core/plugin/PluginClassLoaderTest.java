package io.hdkd.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.Names;
import io.hdkd.core.testing.TestPluginJars;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginClassLoaderTest {

    @TempDir
    Path tmp;

    private Path greetingJar(String name, String greeting) {
        String src = "package demo; public final class Greeting { public static String hello() { return \"" + greeting
                + "\"; } }";
        return TestPluginJars.jar(tmp.resolve(name), Map.of("demo.Greeting", src), Map.of("demo/data.txt", greeting));
    }

    @Test
    void loadsItsOwnCopyOfAClassBeforeTheParentsOne() throws Exception {
        Path hostJar = greetingJar("host.jar", "host");
        Path pluginJar = greetingJar("plugin.jar", "plugin");
        try (URLClassLoader host = new URLClassLoader(new URL[] {hostJar.toUri().toURL()}, getClass().getClassLoader());
                PluginClassLoader plugin = new PluginClassLoader("p", List.of(pluginJar.toUri().toURL()), host)) {
            Class<?> fromPlugin = plugin.loadClass("demo.Greeting");
            Method hello = fromPlugin.getMethod("hello");
            assertThat(fromPlugin.getClassLoader()).isSameAs(plugin);
            assertThat(hello.invoke(null)).isEqualTo("plugin");
            assertThat(host.loadClass("demo.Greeting").getMethod("hello").invoke(null)).isEqualTo("host");
            // Resources too: the plugin's own first, then the parent's.
            assertThat(new String(plugin.getResource("demo/data.txt").openStream().readAllBytes())).isEqualTo("plugin");
            assertThat(Collections.list(plugin.getResources("demo/data.txt"))).hasSize(2);
        }
    }

    @Test
    void fallsBackToTheParentForClassesThePluginLacks() throws Exception {
        Path hostJar = greetingJar("host.jar", "host");
        Path other = TestPluginJars.jar(tmp.resolve("other.jar"),
                Map.of("other.Thing", "package other; public final class Thing {}"), Map.of());
        try (URLClassLoader host = new URLClassLoader(new URL[] {hostJar.toUri().toURL()}, getClass().getClassLoader());
                PluginClassLoader plugin = new PluginClassLoader("p", List.of(other.toUri().toURL()), host)) {
            assertThat(plugin.loadClass("demo.Greeting").getClassLoader()).isSameAs(host);
        }
    }

    @Test
    void sharesTheSpiDjlGuiceAndLoggingWithTheHost() throws Exception {
        Path jar = greetingJar("plugin.jar", "plugin");
        try (PluginClassLoader plugin = new PluginClassLoader("p", List.of(jar.toUri().toURL()), getClass().getClassLoader())) {
            assertThat(plugin.loadClass(HdkdPlugin.class.getName())).isSameAs(HdkdPlugin.class);
            assertThat(plugin.loadClass(Names.class.getName())).isSameAs(Names.class);
            assertThat(plugin.loadClass("ai.djl.ndarray.NDArray")).isSameAs(ai.djl.ndarray.NDArray.class);
            assertThat(plugin.loadClass("com.google.inject.Module")).isSameAs(com.google.inject.Module.class);
            assertThat(plugin.loadClass("com.google.common.collect.ImmutableList"))
                    .isSameAs(com.google.common.collect.ImmutableList.class);
            assertThat(plugin.loadClass("org.slf4j.Logger")).isSameAs(org.slf4j.Logger.class);
            assertThat(plugin.loadClass("java.lang.String")).isSameAs(String.class);
        }
    }

    @Test
    void neverTakesASharedPackageFromThePluginJar() throws Exception {
        // A plugin bundling a class in the SPI package must not shadow (or add to) the host's SPI.
        Path jar = TestPluginJars.jar(tmp.resolve("sneaky.jar"),
                Map.of("io.hdkd.api.Sneaky", "package io.hdkd.api; public final class Sneaky {}"), Map.of());
        try (PluginClassLoader plugin = new PluginClassLoader("p", List.of(jar.toUri().toURL()), getClass().getClassLoader())) {
            assertThatThrownBy(() -> plugin.loadClass("io.hdkd.api.Sneaky")).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void parentFirstPrefixes() {
        assertThat(PluginClassLoader.isParentFirst("io.hdkd.api.Options")).isTrue();
        assertThat(PluginClassLoader.isParentFirst("ai.djl.Model")).isTrue();
        assertThat(PluginClassLoader.isParentFirst("javax.inject.Inject")).isTrue();
        assertThat(PluginClassLoader.isParentFirst("jakarta.inject.Inject")).isTrue();
        assertThat(PluginClassLoader.isParentFirst("io.hdkd.core.cli.Main")).isFalse();
        assertThat(PluginClassLoader.isParentFirst("io.hdkd.plugin.kmeans.KMeans")).isFalse();
        assertThat(PluginClassLoader.isParentFirst("com.google.gson.Gson")).isFalse();
        assertThat(PluginClassLoader.isParentFirstResource("ai/djl/engine/Engine.class")).isTrue();
    }
}
