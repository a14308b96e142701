package io.hdkd.core.config;

import io.hdkd.api.OptionSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The core settings hdkd knows, as sections of declared options. Component slots are not listed here: their keys
 * come from the factory a slot's {@code type} selects.
 *
 * <p>To add core settings (e.g. {@code train.*}): declare a {@link ConfigSection} next to the code that reads it and
 * add one line to {@code io.hdkd.core.pipeline.Pipelines#schema()}, the layer that knows every section (this package
 * sits below the pipelines and knows none of them).
 */
public final class ConfigSchema {

    private final List<ConfigSection> sections;

    private ConfigSchema(List<ConfigSection> sections) {
        this.sections = List.copyOf(sections);
    }

    public static ConfigSchema of(ConfigSection... sections) {
        List<ConfigSection> list = new ArrayList<>();
        for (ConfigSection s : sections) {
            for (ConfigSection other : list) {
                if (other.prefix().equals(s.prefix())) {
                    throw new IllegalArgumentException("section declared twice: " + s.prefix());
                }
            }
            if (isReserved(s.prefix())) {
                throw new IllegalArgumentException("section prefix clashes with a component slot: " + s.prefix());
            }
            list.add(s);
        }
        return new ConfigSchema(list);
    }

    /** This schema plus another section. */
    public ConfigSchema with(ConfigSection section) {
        List<ConfigSection> list = new ArrayList<>(sections);
        list.add(section);
        return of(list.toArray(new ConfigSection[0]));
    }

    public List<ConfigSection> sections() {
        return Collections.unmodifiableList(sections);
    }

    /** The section owning a full key, e.g. {@code run} for {@code run.seed}, if any. */
    public Optional<ConfigSection> sectionOf(String key) {
        return sections.stream().filter(s -> key.startsWith(s.prefix() + ".")).findFirst();
    }

    /** Every full key of every section. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (ConfigSection s : sections) {
            for (OptionSpec o : s.options()) {
                keys.add(s.key(o));
            }
        }
        return keys;
    }

    private static boolean isReserved(String prefix) {
        for (ComponentSlot slot : ComponentSlot.FIXED) {
            if (slot.prefix().equals(prefix) || prefix.startsWith(slot.prefix() + ".")) {
                return true;
            }
        }
        return prefix.equals(ComponentSlot.LOSSES_KEY) || prefix.equals(ComponentSlot.LOSS_PREFIX)
                || prefix.startsWith(ComponentSlot.LOSS_PREFIX + ".");
    }
}
