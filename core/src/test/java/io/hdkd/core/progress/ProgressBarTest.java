package io.hdkd.core.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void plainOutputPrintsAboutTenLinesWithRateAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        try (ProgressBar bar = new ProgressBar("gen", 100, "img", new PrintStream(bytes, true, StandardCharsets.UTF_8),
                false, clock::get)) {
            for (int i = 0; i < 100; i++) {
                clock.addAndGet(100_000_000L); // 10 items per second
                bar.step();
            }
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(11);
        assertThat(lines[0]).startsWith("gen 1/100 img").contains("10.0 img/s").contains("eta 10s");
        assertThat(lines[5]).startsWith("gen 50/100 img").contains("eta 5s");
        assertThat(lines[10]).startsWith("gen 100/100 img").endsWith("10s");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\r");
    }

    @Test
    void terminalOutputRedrawsOneLineAtMostTenTimesASecond() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        try (ProgressBar bar = new ProgressBar("train", 1000, "it", new PrintStream(bytes, true, StandardCharsets.UTF_8),
                true, clock::get)) {
            for (int i = 0; i < 1000; i++) {
                clock.addAndGet(1_000_000L); // one second in all
                bar.step();
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertThat(redraws).isBetween(10L, 13L);
        assertThat(out).endsWith("\n").contains("[" + "#".repeat(24) + "] 1000/1000 it");
    }

    @Test
    void formatsLongDurations() {
        assertThat(ProgressBar.formatSeconds(59.4)).isEqualTo("59s");
        assertThat(ProgressBar.formatSeconds(61)).isEqualTo("1m01s");
        assertThat(ProgressBar.formatSeconds(7322)).isEqualTo("2h02m");
    }
}
