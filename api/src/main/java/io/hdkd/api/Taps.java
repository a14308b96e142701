package io.hdkd.api;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named arrays taken from a detector during its forward pass: backbone levels ({@code c3}..), neck levels
 * ({@code p3}..) and head outputs (by {@link HeadOutput#name()}). DJL has no forward hooks, so detectors expose
 * taps explicitly.
 *
 * @param arrays tap name to array
 * @param strides tap name to stride (0 where a tap spans levels)
 */
public record Taps(Map<String, NDArray> arrays, Map<String, Integer> strides) {

    public Taps {
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
        strides = Collections.unmodifiableMap(new LinkedHashMap<>(strides));
    }

    /** The named tap; an {@link InvalidInputException} naming the missing tap and the available ones otherwise. */
    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new InvalidInputException("no tap named '" + name + "'; available: " + arrays.keySet());
        }
        return a;
    }
}
