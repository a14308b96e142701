package io.hdkd.core.config;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.Options;
import io.hdkd.core.plugin.RegisteredComponent;
import java.util.Objects;

/**
 * A slot filled in: the component chosen by its {@code type}, and its validated options (defaults included).
 */
public record ConfiguredComponent(ComponentSlot slot, RegisteredComponent component, Options options) {

    public ConfiguredComponent {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(options, "options");
    }

    /** The factory name the slot's {@code type} selected. */
    public String type() {
        return component.name();
    }

    /** Creates the component (the registry's factories already run with the plugin's context class loader). */
    public Object create(ComponentContext context) {
        return component.factory().create(options, context);
    }
}
