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
    void loadsItsOwnCopyOfAClassAndNeverTheHostsNonSpiOne() throws Exception {
        Path hostJar = greetingJar("host.jar", "host");
        Path pluginJar = greetingJar("plugin.jar", "plugin");
        try (URLClassLoader host = new URLClassLoader(new URL[] {hostJar.toUri().toURL()}, getClass().getClassLoader());
                PluginClassLoader plugin = new PluginClassLoader("p", List.of(pluginJar.toUri().toURL()), host)) {
            Class<?> fromPlugin = plugin.loadClass("demo.Greeting");
            Method hello = fromPlugin.getMethod("hello");
            assertThat(fromPlugin.getClassLoader()).isSameAs(plugin);
            assertThat(hello.invoke(null)).isEqualTo("plugin");
            assertThat(host.loadClass("demo.Greeting").getMethod("hello").invoke(null)).isEqualTo("host");
            // Resources too: the plugin's own, never the host's.
            assertThat(new String(plugin.getResource("demo/data.txt").openStream().readAllBytes())).isEqualTo("plugin");
            assertThat(Collections.list(plugin.getResources("demo/data.txt"))).hasSize(1);
        }
    }

    @Test
    void doesNotSeeTheHostsOtherClassesCoreIncluded() throws Exception {
        Path hostJar = greetingJar("host.jar", "host");
        Path other = TestPluginJars.jar(tmp.resolve("other.jar"),
                Map.of("other.Thing", "package other; public final class Thing {}"), Map.of());
        try (URLClassLoader host = new URLClassLoader(new URL[] {hostJar.toUri().toURL()}, getClass().getClassLoader());
                PluginClassLoader plugin = new PluginClassLoader("p", List.of(other.toUri().toURL()), host)) {
            // Its parent is the platform loader (Trino's isolation): host classes outside the SPI are invisible.
            assertThat(plugin.getParent()).isSameAs(ClassLoader.getPlatformClassLoader());
            assertThatThrownBy(() -> plugin.loadClass("demo.Greeting")).isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> plugin.loadClass(PluginManager.class.getName()))
                    .isInstanceOf(ClassNotFoundException.class)
                    .hasMessageContaining("io.hdkd.core.plugin.PluginManager")
                    .hasMessageContaining("plugin 'p' sees only its own jars, the JDK and the SPI packages");
            assertThatThrownBy(() -> plugin.loadClass("com.google.gson.Gson")).isInstanceOf(ClassNotFoundException.class);
            assertThat(plugin.getResource("io/hdkd/core/plugin/PluginManager.class")).isNull();
            // The JDK's classes, platform modules included, are there.
            assertThat(plugin.loadClass("java.sql.Date").getClassLoader()).isSameAs(ClassLoader.getPlatformClassLoader());
        }
    }

    @Test
    void sharesTheSpiDjlGuiceGuavaAndLoggingWithTheHost() throws Exception {
        Path jar = greetingJar("plugin.jar", "plugin");
        try (PluginClassLoader plugin = new PluginClassLoader("p", List.of(jar.toUri().toURL()), getClass().getClassLoader())) {
            assertThat(plugin.loadClass(HdkdPlugin.class.getName())).isSameAs(HdkdPlugin.class);
            assertThat(plugin.loadClass(Names.class.getName())).isSameAs(Names.class);
            assertThat(plugin.loadClass("ai.djl.ndarray.NDArray")).isSameAs(ai.djl.ndarray.NDArray.class);
            assertThat(plugin.loadClass("com.google.inject.Module")).isSameAs(com.google.inject.Module.class);
            assertThat(plugin.loadClass("com.google.common.collect.ImmutableList"))
                    .isSameAs(com.google.common.collect.ImmutableList.class);
            assertThat(plugin.loadClass("jakarta.inject.Inject")).isSameAs(jakarta.inject.Inject.class);
            assertThat(plugin.loadClass("org.slf4j.Logger")).isSameAs(org.slf4j.Logger.class);
            assertThat(plugin.loadClass("java.lang.String")).isSameAs(String.class);
        }
    }

    @Test
    void neverTakesAnSpiPackageFromThePluginJar() throws Exception {
        // A plugin bundling a class in the SPI package must not shadow (or add to) the host's SPI.
        Path jar = TestPluginJars.jar(tmp.resolve("sneaky.jar"),
                Map.of("io.hdkd.api.Sneaky", "package io.hdkd.api; public final class Sneaky {}"), Map.of());
        try (PluginClassLoader plugin = new PluginClassLoader("p", List.of(jar.toUri().toURL()), getClass().getClassLoader())) {
            assertThatThrownBy(() -> plugin.loadClass("io.hdkd.api.Sneaky")).isInstanceOf(ClassNotFoundException.class);
        }
    }

    /**
     * Guava is host-supplied (Guice's API exposes it): a plugin that bundles its own Guava gets the host's classes,
     * and classes only its Guava has are not found. Shown with a tiny fake Guava: a {@code Strings} with a method
     * the real one lacks, and a class the real Guava does not have.
     */
    @Test
    void aBundledGuavaLosesToTheHostsGuava() throws Exception {
        Path fakeGuava = TestPluginJars.jar(tmp.resolve("guava-99.jar"), Map.of(
                "com.google.common.base.Strings",
                "package com.google.common.base; public final class Strings {"
                        + " public static String fromTheFake() { return \"fake\"; } }",
                "com.google.common.base.OnlyInGuava99",
                "package com.google.common.base; public final class OnlyInGuava99 {}"), Map.of());
        try (PluginClassLoader plugin = new PluginClassLoader("p", List.of(fakeGuava.toUri().toURL()),
                getClass().getClassLoader())) {
            Class<?> strings = plugin.loadClass("com.google.common.base.Strings");
            assertThat(strings).isSameAs(com.google.common.base.Strings.class);
            assertThat(strings.getMethods()).extracting(Method::getName).doesNotContain("fromTheFake");
            assertThatThrownBy(() -> plugin.loadClass("com.google.common.base.OnlyInGuava99"))
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void spiPackages() {
        assertThat(PluginClassLoader.isSpi("io.hdkd.api.Options")).isTrue();
        assertThat(PluginClassLoader.isSpi("ai.djl.Model")).isTrue();
        assertThat(PluginClassLoader.isSpi("jakarta.inject.Inject")).isTrue();
        assertThat(PluginClassLoader.isSpi("org.aopalliance.intercept.MethodInterceptor")).isTrue();
        assertThat(PluginClassLoader.isSpi("io.hdkd.core.cli.Main")).isFalse();
        assertThat(PluginClassLoader.isSpi("io.hdkd.plugin.kmeans.KMeans")).isFalse();
        assertThat(PluginClassLoader.isSpi("com.google.gson.Gson")).isFalse();
        assertThat(PluginClassLoader.isSpiResource("ai/djl/engine/Engine.class")).isTrue();
        // Services files are the plugin's own: the host's name classes the plugin cannot see.
        assertThat(PluginClassLoader.isSpiResource("META-INF/services/io.hdkd.api.HdkdPlugin")).isFalse();
    }
}
