package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code hdkd quickstart}'s refusals, which come before any data or training (the pipeline has its own test). */
@ExtendWith(ClasspathPlugins.class)
class QuickstartCommandTest {

    @TempDir
    Path tmp;

    @Test
    void refusesAnExistingFolderWithoutForce() throws Exception {
        Path out = tmp.resolve("qs");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");

        CliRun r = CliRun.of("quickstart", "--out", out.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("hdkd: error: " + out + " exists; pass --force to delete it and "
                + "start over");
        assertThat(out.resolve("keep.txt")).hasContent("mine");
        assertThat(out.resolve("data")).doesNotExist();
    }

    @Test
    void refusesZeroSeedsAndAMissingTeacher() {
        CliRun zero = CliRun.of("quickstart", "--out", tmp.resolve("a").toString(), "--seeds", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--seeds 0: expected at least 1");

        Path missing = tmp.resolve("no-teacher");
        CliRun teacher = CliRun.of("quickstart", "--out", tmp.resolve("b").toString(), "--teacher",
                missing.toString());
        assertThat(teacher.exitCode()).isEqualTo(2);
        assertThat(teacher.err()).contains("--teacher " + missing + ": not a trained run folder");
        assertThat(tmp.resolve("b")).doesNotExist();
    }
}
