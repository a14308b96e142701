package io.hdkd.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.hdkd.api.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches named tensors from a file against a block's parameters and copies them in, all or nothing: any missing,
 * unexpected or mis-shaped tensor fails the whole load with one message listing them, before a value is written.
 */
final class ParameterMatch {

    /** At most this many names per category go into the message, followed by the count. */
    private static final int LISTED = 20;

    private ParameterMatch() {}

    /**
     * Copies {@code tensors[name]} into {@code targets[name]} for every target.
     *
     * @param source the file, for the message
     * @param targets external name to parameter (initialised)
     * @param tensors external name to tensor
     * @param ignored names in {@code tensors} that are neither used nor reported
     * @return the number of tensors copied
     */
    static int copy(String source, Map<String, Parameter> targets, Map<String, NDArray> tensors, Set<String> ignored) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        Map<Parameter, NDArray> assignments = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> t : targets.entrySet()) {
            Parameter p = t.getValue();
            if (!p.isInitialized()) {
                throw new IllegalStateException("initialize the block before loading weights: " + t.getKey());
            }
            NDArray value = tensors.get(t.getKey());
            if (value == null) {
                missing.add(t.getKey());
            } else if (!value.getShape().equals(p.getArray().getShape())) {
                misShaped.add(t.getKey() + " " + value.getShape() + " vs model " + p.getArray().getShape());
            } else if (!value.getDataType().isFloating()) {
                misShaped.add(t.getKey() + " has type " + value.getDataType() + ", expected floating point");
            } else {
                assignments.put(p, value);
            }
        }
        for (String name : tensors.keySet()) {
            if (!targets.containsKey(name) && !ignored.contains(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            StringBuilder message = new StringBuilder(source).append(": weights do not fit the model:");
            append(message, "missing", missing);
            append(message, "unexpected", unexpected);
            append(message, "mis-shaped", misShaped);
            throw new InvalidInputException(message.toString());
        }
        for (Map.Entry<Parameter, NDArray> a : assignments.entrySet()) {
            NDArray target = a.getKey().getArray();
            DataType type = target.getDataType();
            // In-place copy keeps the parameter's array (and its gradient flag and device) intact.
            try (NDArray converted = a.getValue().toType(type, true)) {
                target.set(converted.toByteBuffer());
            }
        }
        return assignments.size();
    }

    private static void append(StringBuilder message, String what, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        message.append(' ').append(names.size()).append(' ').append(what).append(" [");
        message.append(String.join(", ", names.subList(0, Math.min(LISTED, names.size()))));
        if (names.size() > LISTED) {
            message.append(", ... ").append(names.size() - LISTED).append(" more");
        }
        message.append("];");
    }
}
