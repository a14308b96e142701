package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad --launcher / --resume-or-start input: one line naming the cause, exit 2, nothing started. */
class LauncherOptionsTest {

    @TempDir
    Path dir;

    private CliRun sweep(String... extra) throws Exception {
        Path config = Files.writeString(dir.resolve("c.properties"), "run.seed = 1\n");
        String[] base = {"sweep", "--config", config.toString(), "--grid", "train.lr=0.1", "--out",
            dir.resolve("sweep").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void anUnknownLauncherIsBadInput() throws Exception {
        CliRun r = sweep("--launcher", "lsf");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).containsExactly("hdkd: error: --launcher must be local or slurm, got 'lsf'");
    }

    @Test
    void slurmOptionsNeedTheSlurmLauncher() throws Exception {
        CliRun r = sweep("--slurm-partition", "cpu");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).containsExactly("hdkd: error: --slurm-* options need --launcher slurm");
        assertThat(dir.resolve("sweep/logs")).doesNotExist();
    }

    @Test
    void aFolderWithSlurmSubmissionsIsNotRunLocally() throws Exception {
        Path slurm = Files.createDirectories(dir.resolve("sweep/slurm"));
        Files.writeString(slurm.resolve("submission-1.json"), "{\"script\": \"x\", \"job\": \"7\", \"tasks\": {}}");
        CliRun r = sweep("--launcher", "local");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).containsExactly("hdkd: error: " + dir.resolve("sweep") + " holds runs submitted to "
                + "Slurm (" + slurm + "); follow them with --launcher slurm (or without --launcher), not locally");
        assertThat(dir.resolve("sweep/logs")).doesNotExist();
    }

    @Test
    void threadsMustBePositive() throws Exception {
        CliRun r = sweep("--threads", "0");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).containsExactly("hdkd: error: --threads must be >= 1, got 0");
    }

    @Test
    void resumeOrStartStandsAloneAndNeedsAConfigToStart() throws Exception {
        CliRun both = CliRun.of("train", "--resume-or-start", "--force", "--out", dir.resolve("run").toString());
        assertThat(both.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(both.errLines()).containsExactly("hdkd: error: --resume-or-start decides between --resume and a "
                + "new run itself: give it alone");
        CliRun noConfig = CliRun.of("train", "--resume-or-start", "--out", dir.resolve("run").toString());
        assertThat(noConfig.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noConfig.errLines()).containsExactly("hdkd: error: --resume-or-start: " + dir.resolve("run")
                + " holds no run yet, so --config FILE is required to start it");
    }

    @Test
    void theSlurmLauncherNeedsRatiosForDistill() throws Exception {
        Path config = Files.writeString(dir.resolve("d.properties"), "run.seed = 1\n");
        CliRun r = CliRun.of("distill", "--config", config.toString(), "--launcher", "slurm", "--out",
                dir.resolve("run").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).containsExactly("hdkd: error: --launcher slurm needs --ratios (a single run: submit "
                + "'hdkd distill' yourself, or use hdkd sweep)");
    }
}
