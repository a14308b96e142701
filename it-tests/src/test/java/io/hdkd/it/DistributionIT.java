package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled distribution, run as a user would: {@code bin/hdkd} in its own process. Exit codes: 0 success,
 * 1 failure, 2 bad usage or input, and 2 from {@code hdkd plugins} when a plugin was refused.
 */
class DistributionIT {

    static final int SPI_VERSION = 2;

    @TempDir
    static Path tmp;

    static Path dist;

    @BeforeAll
    static void locate() {
        dist = Hdkd.distribution();
    }

    @Test
    void listsEveryBuiltInPlugin() throws Exception {
        Hdkd.Result r = Hdkd.run(dist, tmp, "plugins");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
        List<Path> builtIns;
        try (Stream<Path> s = Files.list(dist.resolve("plugins"))) {
            builtIns = s.filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar")).sorted().toList();
        }
        for (Path plugin : builtIns) {
            assertThat(r.out()).as("plugins/%s is listed", plugin.getFileName()).contains(plugin.toString());
            // with the build's version (filtered into each plugin's plugin.properties)
            assertThat(r.out()).as("plugins/%s reports the build's version", plugin.getFileName())
                    .containsPattern(" " + java.util.regex.Pattern.quote(System.getProperty("hdkd.version")) + " +"
                            + java.util.regex.Pattern.quote(plugin.toString()));
        }
        if (builtIns.isEmpty()) {
            assertThat(r.out()).contains("No plugins loaded from " + dist.resolve("plugins"));
        }

        Hdkd.Result d = Hdkd.run(dist, tmp, "plugins", "--describe");
        assertThat(d.code()).as(d.toString()).isZero();
        if (!builtIns.isEmpty()) {
            assertThat(d.out()).containsPattern("KEY +TYPE +RANGE +DEFAULT +REQUIRED +DESCRIPTION");
        }
    }

    @Test
    void aThirdPartyPluginDroppedIntoACopyUnderAPathWithASpaceIsListedAndDescribed() throws Exception {
        Path home = DistributionCopies.of(dist, tmp.resolve("my hdkd copy"));
        try {
            thirdPartyPluginIn(home);
        } finally {
            Files.deleteIfExists(home.resolve("lib"));
        }
    }

    private static void thirdPartyPluginIn(Path home) throws Exception {
        PluginJars.partitionerPlugin(dist, home.resolve("plugins/acme-stripes.jar"), "com.acme.stripes", "acme",
                Integer.toString(SPI_VERSION), "stripes");

        Path elsewhere = Files.createDirectories(tmp.resolve("some other dir"));
        Hdkd.Result r = Hdkd.run(home, elsewhere, "plugins");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("acme +3\\.1\\.4 +" + java.util.regex.Pattern.quote(
                home.resolve("plugins/acme-stripes.jar").toString()) + " +partitioner: stripes");

        Hdkd.Result d = Hdkd.run(home, elsewhere, "plugins", "--describe");
        assertThat(d.code()).as(d.toString()).isZero();
        assertThat(d.out()).contains("partitioner stripes  (plugin acme 3.1.4, select with distill.partitioner.type = stripes)")
                .contains("Splits feature maps into horizontal stripes.")
                .containsPattern("stripes +int +- +3 +no +How many stripes per map\\.")
                .containsPattern("overlap +boolean +- +false +no +Whether neighbouring stripes share a row\\.");

        // A relative config path resolves against the caller's working directory, not the distribution's.
        Files.writeString(elsewhere.resolve("my.properties"), "distill.partitioner.type = stripes\n"
                + "distill.partitioner.stripes = 5\n");
        // Through a symlink placed elsewhere (as in /usr/local/bin/hdkd), the launcher still finds its home.
        Path link = Files.createSymbolicLink(elsewhere.resolve("hdkd-link"), home.resolve("bin/hdkd"));
        Hdkd.Result check = Hdkd.runScript(link, elsewhere, java.util.Map.of(), "config", "check", "my.properties",
                "--print");
        assertThat(check.code()).as(check.toString()).isZero();
        assertThat(check.out()).contains("run.seed = 42").contains("distill.partitioner.type = stripes")
                .contains("distill.partitioner.stripes = 5").contains("distill.partitioner.overlap = false");
    }

    @Test
    void badPluginsAreRefusedOneLineEachAndTheOthersStillLoad() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("mixed-plugins"));
        PluginJars.partitionerPlugin(dist, plugins.resolve("a-first.jar"), "org.first", "first",
                Integer.toString(SPI_VERSION), "stripes");
        PluginJars.partitionerPlugin(dist, plugins.resolve("b-second/second.jar"), "org.second", "second",
                Integer.toString(SPI_VERSION), "stripes");
        PluginJars.partitionerPlugin(dist, plugins.resolve("c-future.jar"), "org.future", "future",
                "io.hdkd.api.HdkdPlugin.SPI_VERSION + 1", "future-stripes");
        Files.writeString(plugins.resolve("d-corrupt.jar"), "PK but not really a zip");
        PluginJars.partitionerPlugin(dist, plugins.resolve("e-fine.jar"), "org.fine", "fine",
                Integer.toString(SPI_VERSION), "bands");

        Hdkd.Result r = Hdkd.run(dist, tmp, "--plugins-dir", plugins.toString(), "plugins");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("first").contains("fine").doesNotContain("second").doesNotContain("future");
        List<String> warnings = r.err().lines().toList();
        assertThat(warnings).as(r.toString()).containsExactly(
                "hdkd: warning: refused plugin " + plugins.resolve("b-second") + ": plugin 'second' registers partitioner"
                        + " 'stripes', which plugin 'first' (" + plugins.resolve("a-first.jar") + ") already registered",
                "hdkd: warning: refused plugin " + plugins.resolve("c-future.jar") + ": plugin 'future' was built for"
                        + " plugin SPI version " + (SPI_VERSION + 1) + ", but this hdkd supports SPI versions 1 to " + SPI_VERSION,
                "hdkd: warning: refused plugin " + plugins.resolve("d-corrupt.jar") + ": not a readable jar"
                        + warnings.get(2).substring(warnings.get(2).indexOf(" (")));
        assertThat(warnings.get(2)).contains("not a readable jar (");

        // Other commands warn and go on.
        Path config = Files.writeString(tmp.resolve("bands.properties"), "distill.partitioner.type = bands\n");
        Hdkd.Result check = Hdkd.run(dist, tmp, "--plugins-dir", plugins.toString(), "config", "check", config.toString());
        assertThat(check.code()).as(check.toString()).isZero();
        assertThat(check.out()).isEqualTo("OK: " + config + "\n");
        assertThat(check.err().lines()).hasSize(3).allMatch(l -> l.startsWith("hdkd: warning: refused plugin "));
    }

    @Test
    void configErrorsAreOneLineWithExitCode2AndAStackTraceOnlyWithVerbose() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("config-plugins"));
        PluginJars.partitionerPlugin(dist, plugins.resolve("stripes.jar"), "org.cfg", "cfg",
                Integer.toString(SPI_VERSION), "stripes");
        Path config = Files.writeString(tmp.resolve("base.properties"),
                "run.seed = 7\ndistill.partitioner.type = stripes\n");
        String dir = "--plugins-dir=" + plugins;

        Hdkd.Result unknownKey = Hdkd.run(dist, tmp, dir, "config", "check", config.toString(),
                "--set", "distill.partitioner.stripe=4");
        assertThat(unknownKey.code()).as(unknownKey.toString()).isEqualTo(2);
        assertThat(unknownKey.err()).isEqualTo("hdkd: error: unknown key distill.partitioner.stripe; did you mean "
                + "distill.partitioner.stripes?\n");

        Hdkd.Result wrongType = Hdkd.run(dist, tmp, dir, "config", "check", config.toString(),
                "--set", "distill.partitioner.stripes=many");
        assertThat(wrongType.code()).as(wrongType.toString()).isEqualTo(2);
        assertThat(wrongType.err()).isEqualTo("hdkd: error: bad value for distill.partitioner.stripes: expected an "
                + "integer, got 'many'\n");

        Hdkd.Result unknownType = Hdkd.run(dist, tmp, dir, "config", "check", config.toString(),
                "--set", "distill.partitioner.type=kmeans");
        assertThat(unknownType.code()).as(unknownType.toString()).isEqualTo(2);
        assertThat(unknownType.err()).isEqualTo("hdkd: error: unknown partitioner type 'kmeans' for "
                + "distill.partitioner.type; available: stripes\n");

        Hdkd.Result verbose = Hdkd.run(dist, tmp, dir, "config", "check", config.toString(),
                "--set", "distill.partitioner.type=kmeans", "--verbose");
        assertThat(verbose.code()).as(verbose.toString()).isEqualTo(2);
        assertThat(verbose.err()).contains("hdkd: error: unknown partitioner type 'kmeans'")
                .contains("io.hdkd.api.InvalidInputException").contains("\tat io.hdkd.core.config.ConfigResolver");
    }

    @Test
    void theExampleConfigurationChecksOk() throws Exception {
        Hdkd.Result r = Hdkd.run(dist, tmp, "config", "check", dist.resolve("conf/example.properties").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("OK: ");
    }

    @Test
    void doctorReportsEnginesAndAMissingNativeLibraryIsOneLineWithExitCode1() throws Exception {
        Hdkd.Result ok = Hdkd.run(dist, tmp, "doctor");
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).containsPattern("engine PyTorch +2\\.\\d+\\.\\d+, devices: cpu")
                .containsPattern("engine OnnxRuntime +\\d+\\.\\d+").contains(dist.resolve("plugins").toString());

        // Ask DJL for a PyTorch version that is neither bundled nor downloadable offline.
        Hdkd.Result broken = Hdkd.run(dist, tmp, java.util.Map.of("PYTORCH_VERSION", "9.9.9"), "doctor");
        assertThat(broken.code()).as(broken.toString()).isEqualTo(1);
        List<String> lines = broken.err().lines().filter(l -> l.startsWith("hdkd:")).toList();
        assertThat(lines).as(broken.toString()).hasSize(1);
        assertThat(lines.get(0)).startsWith("hdkd: failed: cannot load the native library of DJL's PyTorch engine (");
        assertThat(broken.err()).doesNotContain("\tat ");
    }
}
