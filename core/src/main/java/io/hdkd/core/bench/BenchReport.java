package io.hdkd.core.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The common ending of every {@code hdkd bench} command: median step time, throughput and peak resident memory, as
 * machine-readable {@code name value} lines so scripts can collect them.
 */
public final class BenchReport {

    private BenchReport() {}

    /** The median of {@code millis} (the mean of the middle two for an even count). */
    public static double median(double[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] s = millis.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * Peak resident set size of this process in MiB (Linux {@code VmHWM}), or -1 where the kernel does not say. It
     * includes native memory (libtorch), which the JVM's heap figures miss.
     */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: say so with -1
        }
        return -1;
    }

    /** Prints the three closing lines: {@code median_step_ms}, {@code images_per_s}, {@code peak_rss_mb}. */
    public static void print(PrintWriter out, double medianStepMs, double imagesPerSecond) {
        out.println(String.format(Locale.ROOT, "median_step_ms %.2f", medianStepMs));
        out.println(String.format(Locale.ROOT, "images_per_s %.3f", imagesPerSecond));
        out.println(String.format(Locale.ROOT, "peak_rss_mb %.1f", peakRssMb()));
        out.flush();
    }
}
