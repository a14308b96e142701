package io.hdkd.api;

import java.util.List;
import java.util.Objects;

/**
 * One declared option of a component: its key (relative to the component's configuration slot), type,
 * default, description and whether it is required. Every option carries a description, shown by
 * {@code hdkd plugins --describe}.
 *
 * @param defaultValue the default as it would be written in a configuration file, or null if none
 * @param choices the allowed values for {@link OptionType#CHOICE}, empty otherwise
 */
public record OptionSpec(
        String key, OptionType type, String defaultValue, String description, boolean required, List<String> choices) {

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
        if (defaultValue != null) {
            try {
                type.parse(defaultValue, choices);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "default of option " + key + " is not " + type.expected() + ": '" + defaultValue + "'", e);
            }
        }
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
        return type == OptionType.CHOICE ? "one of " + choices : type.expected();
    }
}
