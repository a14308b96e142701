package io.hdkd.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A component's options, validated against its {@link OptionSpec}s with defaults filled in.
 *
 * <p>Construction is strict: an undeclared key names itself and the closest declared key, a value that does not
 * parse names the key, the expected type and the value, a missing required key is named. Keys in messages carry the
 * component's configuration prefix (e.g. {@code model.backbone.frozen-stages}) so the user can find them.
 */
public final class Options {

    private final String prefix;
    private final Map<String, OptionSpec> specs;
    private final Map<String, Object> values;
    private final Map<String, String> raw;

    private Options(String prefix, Map<String, OptionSpec> specs, Map<String, Object> values, Map<String, String> raw) {
        this.prefix = prefix;
        this.specs = specs;
        this.values = values;
        this.raw = raw;
    }

    /**
     * Validates {@code given} (keys relative to the component's slot) against {@code specs}.
     *
     * @param prefix the slot's configuration prefix including the trailing dot (e.g. {@code model.backbone.}), or ""
     * @throws InvalidInputException on an unknown key, a bad value or a missing required key
     */
    public static Options of(String prefix, List<OptionSpec> specs, Map<String, String> given) {
        Objects.requireNonNull(prefix, "prefix");
        Map<String, OptionSpec> byKey = new LinkedHashMap<>();
        for (OptionSpec s : specs) {
            if (byKey.put(s.key(), s) != null) {
                throw new IllegalArgumentException("option declared twice: " + s.key());
            }
        }
        for (String key : given.keySet()) {
            if (!byKey.containsKey(key)) {
                String closest = Names.closest(key, byKey.keySet());
                throw new InvalidInputException("unknown key " + prefix + key
                        + (closest == null ? " (this component has no options)" : "; did you mean " + prefix + closest + "?"));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> raw = new LinkedHashMap<>();
        for (OptionSpec s : byKey.values()) {
            String v = given.containsKey(s.key()) ? given.get(s.key()) : s.defaultValue();
            if (v == null) {
                if (s.required()) {
                    throw new InvalidInputException("missing required key " + prefix + s.key() + " (" + s.description() + ")");
                }
                continue;
            }
            Object parsed;
            try {
                parsed = s.type().parse(v, s.choices());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("bad value for " + prefix + s.key() + ": expected " + s.expected()
                        + ", got '" + v.strip() + "'");
            }
            if (!s.accepts(parsed)) {
                throw new InvalidInputException("bad value for " + prefix + s.key() + ": expected " + s.expected()
                        + ", got '" + v.strip() + "'");
            }
            values.put(s.key(), parsed);
            raw.put(s.key(), v.trim());
        }
        return new Options(prefix, Collections.unmodifiableMap(byKey), Collections.unmodifiableMap(values),
                Collections.unmodifiableMap(raw));
    }

    /** Only the defaults; fails if a required option exists. */
    public static Options defaults(List<OptionSpec> specs) {
        return of("", specs, Map.of());
    }

    public String prefix() {
        return prefix;
    }

    /** True if the option has a value (given or defaulted). */
    public boolean has(String key) {
        return values.containsKey(declared(key).key());
    }

    public String getString(String key) {
        return (String) value(key);
    }

    public int getInt(String key) {
        return (Integer) value(key);
    }

    public long getLong(String key) {
        return (Long) value(key);
    }

    public double getDouble(String key) {
        return (Double) value(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) value(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) value(key);
    }

    public Path getPath(String key) {
        return Path.of((String) value(key));
    }

    /** The resolved values as configuration text (key relative to the slot), in declaration order. */
    public Map<String, String> resolved() {
        return raw;
    }

    /**
     * An {@link InvalidInputException} about one of these options, with its full key, for checks that span values
     * (e.g. "must be below the number of stages").
     */
    public InvalidInputException invalid(String key, String problem) {
        return new InvalidInputException("bad value for " + prefix + declared(key).key() + ": " + problem
                + " (got '" + raw.get(key) + "')");
    }

    /**
     * A problem with one of these options, naming its full key, for {@link ComponentFactory#check}: e.g.
     * {@code problem("subspaces", "must be at least 1")} reads "bad value for distill.loss.x.subspaces: must be at
     * least 1 (got '0')".
     */
    public OptionProblem problem(String key, String problem) {
        String k = declared(key).key();
        return new OptionProblem(prefix + k, "bad value for " + prefix + k + ": " + problem
                + (raw.containsKey(k) ? " (got '" + raw.get(k) + "')" : ""));
    }

    private Object value(String key) {
        OptionSpec spec = declared(key);
        Object v = values.get(spec.key());
        if (v == null) {
            throw new IllegalStateException("option " + prefix + key + " has no value and no default; check has() first");
        }
        return v;
    }

    private OptionSpec declared(String key) {
        OptionSpec spec = specs.get(key);
        if (spec == null) {
            throw new IllegalArgumentException("option not declared by this component: " + key);
        }
        return spec;
    }

    @Override
    public String toString() {
        return prefix + raw;
    }
}
