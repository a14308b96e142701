package io.hdkd.core.util;

/** Summary statistics over runs (seeds, ratios, sweep settings), one definition for every report. */
public final class Statistics {

    private Statistics() {}

    /**
     * The sample standard deviation (divisor n - 1) of {@code values}; NaN for fewer than two values, where it is
     * undefined (one run says nothing about the spread, and 0 would claim there is none).
     */
    public static double sampleStandardDeviation(double... values) {
        if (values.length < 2) {
            return Double.NaN;
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= values.length;
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.length - 1));
    }
}
