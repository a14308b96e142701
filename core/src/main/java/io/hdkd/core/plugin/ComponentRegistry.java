package io.hdkd.core.plugin;

import io.hdkd.api.ComponentFactory;
import io.hdkd.api.ComponentKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every loaded factory by kind and name, with its plugin. Built by {@link PluginManager}; a name is unique per kind
 * (a second plugin claiming it is refused as a whole, see {@link #conflict}).
 */
public final class ComponentRegistry {

    private final Map<ComponentKind, SortedMap<String, RegisteredComponent>> byKind = new EnumMap<>(ComponentKind.class);
    private final List<PluginInfo> plugins = new ArrayList<>();

    public ComponentRegistry() {
        for (ComponentKind kind : ComponentKind.values()) {
            byKind.put(kind, new TreeMap<>());
        }
    }

    /**
     * The first component of {@code candidates} whose kind and name are taken already, or empty. Checked before
     * {@link #add} so that a plugin is registered completely or not at all.
     */
    Optional<RegisteredComponent> conflict(List<RegisteredComponent> candidates) {
        for (RegisteredComponent c : candidates) {
            RegisteredComponent existing = byKind.get(c.kind()).get(c.name());
            if (existing != null) {
                return Optional.of(existing);
            }
        }
        return Optional.empty();
    }

    /** Registers a plugin and all its components; call {@link #conflict} first. */
    void add(PluginInfo plugin, List<RegisteredComponent> components) {
        if (conflict(components).isPresent()) {
            throw new IllegalStateException("conflicting component names; check conflict() first");
        }
        plugins.add(plugin);
        for (RegisteredComponent c : components) {
            byKind.get(c.kind()).put(c.name(), c);
        }
    }

    /** The loaded plugins, in load order. */
    public List<PluginInfo> plugins() {
        return Collections.unmodifiableList(plugins);
    }

    public Optional<PluginInfo> plugin(String name) {
        return plugins.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<RegisteredComponent> find(ComponentKind kind, String name) {
        return Optional.ofNullable(byKind.get(kind).get(name));
    }

    /** The registered names of a kind, sorted. */
    public SortedSet<String> names(ComponentKind kind) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byKind.get(kind).keySet()));
    }

    /** The components of a kind, sorted by name. */
    public List<RegisteredComponent> components(ComponentKind kind) {
        return List.copyOf(byKind.get(kind).values());
    }

    /** The components a plugin contributed, by kind then name. */
    public List<RegisteredComponent> componentsOf(PluginInfo plugin) {
        List<RegisteredComponent> out = new ArrayList<>();
        for (ComponentKind kind : ComponentKind.values()) {
            for (RegisteredComponent c : byKind.get(kind).values()) {
                if (c.plugin().equals(plugin)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** The factories of a kind as the map Guice injects, e.g. {@code Map<String, BackboneFactory>}. */
    public <F extends ComponentFactory<?>> Map<String, F> factories(ComponentKind kind, Class<F> type) {
        if (!kind.factoryType().equals(type)) {
            throw new IllegalArgumentException(type + " is not the factory type of " + kind);
        }
        Map<String, F> out = new LinkedHashMap<>();
        for (RegisteredComponent c : byKind.get(kind).values()) {
            out.put(c.name(), type.cast(c.factory()));
        }
        return Collections.unmodifiableMap(out);
    }
}
