package io.hdkd.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.hdkd.core.launch.LaunchBatch;
import io.hdkd.core.launch.LaunchTask;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep as a launcher's batch: array task index to (grid point, seed), and what each run is told to do. */
class SweepBatchTest {

    @TempDir
    Path dir;

    private LaunchBatch batch(List<String> grid, int seeds) throws Exception {
        Path config = Files.writeString(dir.resolve("c.properties"), "run.seed = 1\n");
        SweepRunner.Plan plan = new SweepRunner.Plan("train", config, List.of("train.epochs=1"),
                SweepGrid.parse(grid), seeds, dir.resolve("out"), null);
        return new SweepRunner(plan, new PrintWriter(new StringWriter()), 3).batch();
    }

    @Test
    void indexIsPointTimesSeedsPlusSeedMinusOneFirstKeySlowest() throws Exception {
        LaunchBatch batch = batch(List.of("a=1,2", "b=x,y,z"), 2);
        assertThat(batch.tasks()).hasSize(12);
        assertThat(batch.threads()).isEqualTo(3);
        // point p, seed s (1-based) is task p * seeds + (s - 1)
        String[][] points = {{"1", "x"}, {"1", "y"}, {"1", "z"}, {"2", "x"}, {"2", "y"}, {"2", "z"}};
        for (int i = 0; i < 12; i++) {
            LaunchTask t = batch.tasks().get(i);
            String[] p = points[i / 2];
            int seed = i % 2 + 1;
            assertThat(t.index()).isEqualTo(i);
            assertThat(t.name()).isEqualTo("a=" + p[0] + "__b=" + p[1] + "__seed=" + seed);
            assertThat(t.args()).containsSubsequence("--set", "a=" + p[0], "--set", "b=" + p[1], "--set",
                    "run.seed=" + seed);
        }
        assertThat(batch.tasks().get(7).name()).isEqualTo("a=2__b=x__seed=2");
    }

    @Test
    void everyRunResumesOrStartsInItsOwnFolderUnderTheSweep() throws Exception {
        LaunchBatch batch = batch(List.of("train.lr=0.1"), 1);
        LaunchTask only = batch.tasks().get(0);
        Path out = dir.resolve("out").toAbsolutePath().normalize();
        assertThat(only.args()).startsWith("train", "--config").containsSubsequence("--set", "train.epochs=1",
                "--set", "train.lr=0.1", "--set", "run.seed=1", "--out", out.resolve("train.lr=0.1__seed=1").toString(),
                "--resume-or-start").doesNotContain("--force");
        assertThat(batch.runDir(only)).isEqualTo(out.resolve("train.lr=0.1__seed=1"));
        assertThat(batch.log(only)).isEqualTo(out.resolve("logs/train.lr=0.1__seed=1.log"));
        assertThat(batch.status(only)).isEqualTo(out.resolve("status/train.lr=0.1__seed=1.json"));
        assertThat(batch.jobName()).matches("hdkd-[0-9a-f]{10}");
        assertThat(new LaunchBatch(out, batch.tasks(), 1).jobName()).isEqualTo(batch.jobName());
        assertThat(new LaunchBatch(dir.resolve("other"), batch.tasks(), 1).jobName()).isNotEqualTo(batch.jobName());
    }
}
