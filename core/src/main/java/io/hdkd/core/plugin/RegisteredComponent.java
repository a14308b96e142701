package io.hdkd.core.plugin;

import io.hdkd.api.ComponentFactory;
import io.hdkd.api.ComponentKind;
import java.util.Objects;

/**
 * One factory in the registry, with the plugin that contributed it.
 *
 * @param factory the factory; calls into it run with the plugin's context class loader
 */
public record RegisteredComponent(ComponentKind kind, String name, ComponentFactory<?> factory, PluginInfo plugin) {

    public RegisteredComponent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(plugin, "plugin");
    }

    /** The SPI interface this component's factory creates, e.g. {@code DetectorHead} for a head. */
    public Class<?> componentType() {
        return ContextSwitching.componentType(kind);
    }
}
