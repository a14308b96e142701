package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Smoke test only, tiny sizes and no timing assertions: timings belong to {@code hdkd bench}, not tests. */
class BenchEvalCommandTest {

    @Test
    void runsAndEndsWithTheBenchReportLines() {
        CliRun r = CliRun.of("bench", "eval", "--images", "20", "--dets", "30", "--classes", "5", "--runs", "2",
                "--seed", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.outLines();
        assertThat(lines[0]).isEqualTo("images 20");
        assertThat(lines[1]).isEqualTo("detections 600");
        assertThat(lines[2]).matches("AP 0\\.\\d{6}");
        assertThat(lines[3]).startsWith("median_step_ms ");
        assertThat(lines[4]).startsWith("images_per_s ");
        assertThat(lines[5]).startsWith("peak_rss_mb ");
    }

    @Test
    void sameSeedSameData() {
        String a = CliRun.of("bench", "eval", "--images", "10", "--dets", "10", "--runs", "1").outLines()[2];
        String b = CliRun.of("bench", "eval", "--images", "10", "--dets", "10", "--runs", "1").outLines()[2];
        assertThat(a).isEqualTo(b);
    }

    @Test
    void rejectsNonsenseSizes() {
        assertThat(CliRun.of("bench", "eval", "--images", "0").exitCode()).isEqualTo(2);
    }
}
