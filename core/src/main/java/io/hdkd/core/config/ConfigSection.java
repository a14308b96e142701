package io.hdkd.core.config;

import io.hdkd.api.OptionSpec;
import java.util.List;
import java.util.Objects;

/**
 * A group of core settings under one prefix, e.g. {@code run.seed}: the prefix and its declared options. Core
 * packages declare their section next to the code that reads it and register it in
 * {@code io.hdkd.core.pipeline.Pipelines#schema()}.
 *
 * @param prefix the section's prefix without the trailing dot, e.g. {@code run}
 */
public record ConfigSection(String prefix, List<OptionSpec> options) {

    public ConfigSection {
        Objects.requireNonNull(prefix, "prefix");
        options = List.copyOf(options);
        if (prefix.isBlank() || prefix.endsWith(".")) {
            throw new IllegalArgumentException("bad section prefix: '" + prefix + "'");
        }
    }

    /** The full key of one of its options, e.g. {@code run.seed}. */
    public String key(OptionSpec option) {
        return prefix + "." + option.key();
    }
}
