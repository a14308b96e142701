package io.hdkd.api;

import java.util.List;
import java.util.Objects;

/**
 * One declared option of a component: its key (relative to the component's configuration slot), type,
 * default, description and whether it is required. Every option carries a description, shown by
 * {@code hdkd plugins --describe}.
 *
 * <p>A numeric option ({@link OptionType#INT}, {@link OptionType#LONG}, {@link OptionType#DOUBLE}) may declare an
 * inclusive range with {@link #atLeast}, {@link #atMost} or {@link #range} (SPI 2): {@link Options#of} refuses a value
 * outside it, naming the key and the range, and {@code hdkd plugins --describe} shows it.
 *
 * @param defaultValue the default as it would be written in a configuration file, or null if none
 * @param choices the allowed values for {@link OptionType#CHOICE}, empty otherwise
 * @param min the smallest allowed value (inclusive), or null for no lower bound
 * @param max the largest allowed value (inclusive), or null for no upper bound
 */
public record OptionSpec(
        String key, OptionType type, String defaultValue, String description, boolean required, List<String> choices,
        Double min, Double max) {

    /** The SPI-1 constructor: no range. */
    public OptionSpec(String key, OptionType type, String defaultValue, String description, boolean required,
            List<String> choices) {
        this(key, type, defaultValue, description, required, choices, null, null);
    }

    public OptionSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        choices = List.copyOf(choices);
        if (key.isBlank() || key.equals("type")) {
            throw new IllegalArgumentException("option key must be non-blank and not 'type': '" + key + "'");
        }
        if (type == OptionType.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("choice option " + key + " needs choices");
        }
        if (required && defaultValue != null) {
            throw new IllegalArgumentException("required option " + key + " cannot have a default");
        }
        if ((min != null || max != null) && !type.isNumeric()) {
            throw new IllegalArgumentException("option " + key + " of type " + type + " cannot have a range");
        }
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException("option " + key + " has an empty range [" + min + ", " + max + "]");
        }
        if ((min != null && !Double.isFinite(min)) || (max != null && !Double.isFinite(max))) {
            throw new IllegalArgumentException("option " + key + " has a non-finite bound");
        }
        if (defaultValue != null) {
            Object parsed;
            try {
                parsed = type.parse(defaultValue, choices);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "default of option " + key + " is not " + type.expected() + ": '" + defaultValue + "'", e);
            }
            if (!inRange(parsed, min, max)) {
                throw new IllegalArgumentException("default of option " + key + " is outside its range "
                        + rangeText(type, min, max) + ": '" + defaultValue + "'");
            }
        }
    }

    /** This option with values below {@code min} refused (inclusive bound). */
    public OptionSpec atLeast(double min) {
        return new OptionSpec(key, type, defaultValue, description, required, choices, min, max);
    }

    /** This option with values above {@code max} refused (inclusive bound). */
    public OptionSpec atMost(double max) {
        return new OptionSpec(key, type, defaultValue, description, required, choices, min, max);
    }

    /** This option restricted to {@code [min, max]} (inclusive). */
    public OptionSpec range(double min, double max) {
        return new OptionSpec(key, type, defaultValue, description, required, choices, min, max);
    }

    /** True if the option declares a lower or an upper bound. */
    public boolean hasRange() {
        return min != null || max != null;
    }

    /** True if a parsed value (Integer, Long or Double; anything else passes) lies within the declared range. */
    public boolean accepts(Object parsed) {
        return inRange(parsed, min, max);
    }

    /** The range for messages and listings: {@code >= 1}, {@code <= 0.5} or {@code in [0, 1]}; "" when none. */
    public String rangeText() {
        return rangeText(type, min, max);
    }

    private static boolean inRange(Object parsed, Double min, Double max) {
        if (!(parsed instanceof Number n)) {
            return true;
        }
        if (parsed instanceof Long l) {
            // compare longs exactly: a double bound above 2^53 is rounded, a long value must not be
            return (min == null || l >= Math.ceil(min)) && (max == null || l <= Math.floor(max));
        }
        double v = n.doubleValue();
        return (min == null || v >= min) && (max == null || v <= max);
    }

    private static String rangeText(OptionType type, Double min, Double max) {
        if (min == null && max == null) {
            return "";
        }
        if (max == null) {
            return ">= " + bound(type, min);
        }
        if (min == null) {
            return "<= " + bound(type, max);
        }
        return "in [" + bound(type, min) + ", " + bound(type, max) + "]";
    }

    private static String bound(OptionType type, double v) {
        if (type != OptionType.DOUBLE || v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    public static OptionSpec string(String key, String defaultValue, String description) {
        return new OptionSpec(key, OptionType.STRING, defaultValue, description, false, List.of());
    }

    public static OptionSpec integer(String key, int defaultValue, String description) {
        return new OptionSpec(key, OptionType.INT, Integer.toString(defaultValue), description, false, List.of());
    }

    public static OptionSpec longInteger(String key, long defaultValue, String description) {
        return new OptionSpec(key, OptionType.LONG, Long.toString(defaultValue), description, false, List.of());
    }

    public static OptionSpec number(String key, double defaultValue, String description) {
        return new OptionSpec(key, OptionType.DOUBLE, Double.toString(defaultValue), description, false, List.of());
    }

    public static OptionSpec bool(String key, boolean defaultValue, String description) {
        return new OptionSpec(key, OptionType.BOOLEAN, Boolean.toString(defaultValue), description, false, List.of());
    }

    public static OptionSpec list(String key, String defaultValue, String description) {
        return new OptionSpec(key, OptionType.LIST, defaultValue, description, false, List.of());
    }

    public static OptionSpec path(String key, String defaultValue, String description) {
        return new OptionSpec(key, OptionType.PATH, defaultValue, description, false, List.of());
    }

    public static OptionSpec choice(String key, String defaultValue, String description, String... choices) {
        return new OptionSpec(key, OptionType.CHOICE, defaultValue, description, false, List.of(choices));
    }

    /** A required option of the given type, with no default. */
    public static OptionSpec required(String key, OptionType type, String description) {
        return new OptionSpec(key, type, null, description, true, List.of());
    }

    /** What a valid value looks like, for messages: "an integer", or "one of [a, b]". */
    public String expected() {
        if (type == OptionType.CHOICE) {
            return "one of " + choices;
        }
        return hasRange() ? type.expected() + " " + rangeText() : type.expected();
    }
}
