package io.hdkd.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The value types a component option can have, each with its parser and the words used in error messages. */
public enum OptionType {
    STRING("a string"),
    INT("an integer"),
    LONG("a long integer"),
    DOUBLE("a number"),
    BOOLEAN("true or false"),
    /** A comma-separated list of strings, e.g. {@code p3, p4, p5}. */
    LIST("a comma-separated list"),
    /** One of the spec's {@link OptionSpec#choices()}. */
    CHOICE("one of the listed values"),
    /** A file system path (not checked for existence here). */
    PATH("a path");

    private final String expected;

    OptionType(String expected) {
        this.expected = expected;
    }

    /** How messages describe a valid value, e.g. "an integer". */
    public String expected() {
        return expected;
    }

    /** True for the types a range applies to: INT, LONG and DOUBLE. */
    public boolean isNumeric() {
        return this == INT || this == LONG || this == DOUBLE;
    }

    /**
     * Parses a raw (trimmed) value.
     *
     * @return the parsed value: String, Integer, Long, Double, Boolean or {@code List<String>}
     * @throws IllegalArgumentException if the value does not parse
     */
    Object parse(String raw, List<String> choices) {
        String v = raw.trim();
        switch (this) {
            case STRING:
            case PATH:
                return v;
            case INT:
                return Integer.parseInt(v);
            case LONG:
                return Long.parseLong(v);
            case DOUBLE: {
                double d = Double.parseDouble(v);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException("not finite");
                }
                return d;
            }
            case BOOLEAN: {
                String b = v.toLowerCase(Locale.ROOT);
                if (b.equals("true") || b.equals("false")) {
                    return Boolean.parseBoolean(b);
                }
                throw new IllegalArgumentException("not a boolean");
            }
            case LIST:
                return v.isEmpty()
                        ? List.of()
                        : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            case CHOICE:
                if (choices.contains(v)) {
                    return v;
                }
                throw new IllegalArgumentException("not a choice");
            default:
                throw new AssertionError(this);
        }
    }
}
