package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchLoaderCommandTest {

    @Test
    void smokeRunEndsWithTheBenchReportLines() {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("bench", "loader", "--preset", "sparse", "--images", "5", "--size", "64", "--batch", "2",
                "--workers", "2");
        assertThat(code).isZero();
        String[] lines = out.toString().trim().split("\n");
        assertThat(lines[0]).startsWith("bench loader: sparse, 5 images of 64 px -> input 64, batch 2");
        assertThat(lines[lines.length - 3]).matches("median_step_ms \\d+\\.\\d\\d");
        assertThat(lines[lines.length - 2]).matches("images_per_s \\d+\\.\\d{3}");
        assertThat(lines[lines.length - 1]).startsWith("peak_rss_mb ");
    }

    @Test
    void badArgumentsExitWithTwo() {
        assertThat(Main.run("bench", "loader", "--batch", "0")).isEqualTo(2);
        assertThat(Main.run("bench", "loader", "--preset", "nope")).isEqualTo(2);
    }
}
