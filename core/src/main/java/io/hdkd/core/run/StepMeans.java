package io.hdkd.core.run;

import java.util.LinkedHashMap;
import java.util.Map;

/** Running means of per-step numbers (e.g. {@code step_ms}, {@code teacher_ms}), each over the steps that have it. */
public final class StepMeans {

    /** Per key: sum, count. */
    private final Map<String, double[]> sums = new LinkedHashMap<>();

    public void add(String key, double value) {
        double[] s = sums.computeIfAbsent(key, k -> new double[2]);
        s[0] += value;
        s[1]++;
    }

    /** Adds every value of one step. */
    public void add(Map<String, ? extends Number> values) {
        values.forEach((k, v) -> add(k, v.doubleValue()));
    }

    /** The mean of {@code key}'s values, or {@code NaN} if none was added. */
    public double mean(String key) {
        double[] s = sums.get(key);
        return s == null ? Double.NaN : s[0] / s[1];
    }
}
