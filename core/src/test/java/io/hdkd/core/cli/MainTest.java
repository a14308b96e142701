package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hdkd.api.HdkdPlugin;
import io.hdkd.core.testing.TestPluginJars;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: exit codes and what goes to stdout and stderr. */
class MainTest {

    @TempDir
    static Path tmp;

    static Path plugins;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void pluginsFolder() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPluginJars.pluginJar(plugins.resolve("grid.jar"), "p.grid", "gridder", HdkdPlugin.SPI_VERSION,
                "partitioner", "PartitionerFactory", "cells");
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void listsAndDescribesPlugins() {
        Result r = run("--plugins-dir", plugins.toString(), "plugins");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("PLUGIN").contains("gridder").contains("1.2.3")
                .contains(plugins.resolve("grid.jar").toString()).contains("partitioner: cells");
        assertThat(r.err()).isEmpty();

        Result d = run("plugins", "--plugins-dir", plugins.toString(), "--describe");
        assertThat(d.code()).isEqualTo(ExitCodes.OK);
        assertThat(d.out()).contains("partitioner cells  (plugin gridder 1.2.3, select with distill.partitioner.type = cells)")
                .containsPattern("KEY +TYPE +RANGE +DEFAULT +REQUIRED +DESCRIPTION")
                .containsPattern("cells +int +- +4 +no +Grid cells per side\\.")
                .containsPattern("mode +hard\\|soft +- +hard +no +How locations are assigned\\.");
    }

    @Test
    void aRefusedPluginIsAWarningAndExitCode2ForPluginsOnly() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("with-corrupt"));
        Files.copy(plugins.resolve("grid.jar"), dir.resolve("grid.jar"));
        Files.writeString(dir.resolve("broken.jar"), "garbage");
        Result r = run("plugins", "--plugins-dir", dir.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.out()).contains("gridder");
        assertThat(r.err().strip()).startsWith("hdkd: warning: refused plugin " + dir.resolve("broken.jar") + ": not a readable jar")
                .doesNotContain("\n");

        Path config = Files.writeString(tmp.resolve("ok.properties"), "distill.partitioner.type = cells\n");
        Result check = run("config", "check", config.toString(), "--plugins-dir", dir.toString());
        assertThat(check.code()).isEqualTo(ExitCodes.OK);
        assertThat(check.out()).isEqualTo("OK: " + config + System.lineSeparator());
        assertThat(check.err()).contains("hdkd: warning: refused plugin");
    }

    @Test
    void configCheckPrintsTheResolvedConfiguration() throws IOException {
        Path config = Files.writeString(tmp.resolve("print.properties"), "distill.partitioner.type = cells\n");
        Result r = run("config", "check", config.toString(), "--plugins-dir", plugins.toString(), "--print",
                "--set", "distill.partitioner.cells=9");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("run.seed = 42").contains("distill.partitioner.type = cells")
                .contains("distill.partitioner.cells = 9").contains("distill.partitioner.mode = hard");
    }

    @Test
    void aBadConfigurationIsOneLineAndExitCode2() throws IOException {
        Path config = Files.writeString(tmp.resolve("bad.properties"), "distill.partitioner.type = cels\n");
        Result r = run("config", "check", config.toString(), "--plugins-dir", plugins.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).isEqualTo("hdkd: error: unknown partitioner type 'cels' for distill.partitioner.type; "
                + "available: cells (did you mean cells?)" + System.lineSeparator());
        assertThat(r.out()).isEmpty();

        Result verbose = run("config", "check", config.toString(), "--plugins-dir", plugins.toString(), "--verbose");
        assertThat(verbose.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(verbose.err()).contains("hdkd: error: unknown partitioner type").contains("InvalidInputException")
                .contains("\tat io.hdkd.core.config.ConfigResolver");

        Result missing = run("config", "check", tmp.resolve("nope.properties").toString(), "--plugins-dir", plugins.toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).isEqualTo("hdkd: error: config file " + tmp.resolve("nope.properties")
                + " does not exist" + System.lineSeparator());
    }

    @Test
    void withoutAPluginsFolderTheMessageSaysHowToGiveOne() {
        Result r = run("plugins");
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).startsWith("hdkd: error: no plugins folder: pass --plugins-dir DIR or set the system property "
                + "hdkd.plugins.dir");
        Result missing = run("plugins", "--plugins-dir", tmp.resolve("none").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("does not exist");
    }

    @Test
    void usageErrorsAreExitCode2AndHelpAndVersionAre0() {
        Result unknown = run("plugins", "--descrbe");
        assertThat(unknown.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("hdkd: error: Unknown option: '--descrbe'").contains("--describe");
        assertThat(run().code()).isEqualTo(ExitCodes.BAD_INPUT);
        Result help = run("--help");
        assertThat(help.code()).isEqualTo(ExitCodes.OK);
        assertThat(help.out()).contains("plugins").contains("config").contains("doctor").contains("Exit codes");
        Result version = run("--version");
        assertThat(version.code()).isEqualTo(ExitCodes.OK);
        assertThat(version.out()).contains("plugin SPI " + HdkdPlugin.SPI_VERSION);
    }

    @Test
    void doctorReportsTheEngines() {
        Result r = run("doctor", "--plugins-dir", plugins.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out())
                .containsPattern("engine PyTorch +2\\.\\d+\\.\\d+, devices: cpu\\(\\) \\(0 GPU\\(s\\)\\), intra-op threads \\d+")
                .containsPattern("libtorch +cpu-2\\.7\\.1 ")
                .containsPattern("onednn isa +ONEDNN_MAX_CPU_ISA=")
                .containsPattern("onednn decision +[A-Z0-9_]+ \\(")
                .containsPattern("engine OnnxRuntime +\\d+\\.\\d+")
                .contains("java ").contains(plugins.toAbsolutePath().toString()).contains("djl cache");
    }
}
