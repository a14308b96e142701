package io.hdkd.api;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named scalar loss terms (e.g. {@code cls}, {@code box}); the total is their sum. Named so the trainer can log
 * each one.
 */
public record LossTerms(Map<String, NDArray> terms) {

    public LossTerms {
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("at least one loss term is needed");
        }
        terms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    public NDArray total() {
        NDArray sum = null;
        for (NDArray t : terms.values()) {
            sum = sum == null ? t : sum.add(t);
        }
        return sum;
    }
}
