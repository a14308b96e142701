package io.hdkd.core.sweep;

import io.hdkd.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grid of a sweep: configuration keys, each with the values to try, in the order given. {@link #points()} is
 * their cartesian product, the first key varying slowest.
 *
 * @param axes key to values, in order
 */
public record SweepGrid(Map<String, List<String>> axes) {

    public SweepGrid {
        axes = Collections.unmodifiableMap(new LinkedHashMap<>(axes));
    }

    /**
     * Parses {@code --grid} arguments, each {@code key=v1,v2,...} (values trimmed, none empty, a key at most once).
     */
    public static SweepGrid parse(List<String> specs) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("--grid '" + spec + "': expected key=value1,value2,...");
            }
            String key = spec.substring(0, eq).trim();
            List<String> values = new ArrayList<>();
            for (String v : spec.substring(eq + 1).split(",", -1)) {
                String value = v.trim();
                if (value.isEmpty()) {
                    throw new InvalidInputException("--grid '" + spec + "': empty value; expected key=value1,value2,...");
                }
                if (values.contains(value)) {
                    throw new InvalidInputException("--grid '" + spec + "': value '" + value + "' is listed twice");
                }
                values.add(value);
            }
            if (axes.put(key, values) != null) {
                throw new InvalidInputException("--grid: key '" + key + "' is given twice; list all its values once");
            }
        }
        return new SweepGrid(axes);
    }

    /** Every combination of one value per key (one empty combination for an empty grid). */
    public List<Map<String, String>> points() {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> point : points) {
                for (String value : axis.getValue()) {
                    Map<String, String> p = new LinkedHashMap<>(point);
                    p.put(axis.getKey(), value);
                    next.add(p);
                }
            }
            points = next;
        }
        return points.stream().map(Collections::unmodifiableMap).toList();
    }
}
