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

    /**
     * Creates the component as {@code type}, the SPI interface of the slot's kind (e.g. {@code DetectorHead} for the
     * head slot). The registry's factories run with the plugin's context class loader and return the component
     * wrapped so that its own calls do too.
     *
     * @throws IllegalArgumentException if {@code type} is not what the component's kind creates (a host bug)
     */
    public <T> T create(Class<T> type, ComponentContext context) {
        Class<?> made = component.componentType();
        if (!type.equals(made)) {
            throw new IllegalArgumentException("slot " + slot.prefix() + " holds a " + component.kind().label()
                    + ", which is a " + made.getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(component.factory().create(options, context));
    }

    /** As {@link #create(Class, ComponentContext)} without naming the type; prefer the typed form. */
    public Object create(ComponentContext context) {
        return create(component.componentType(), context);
    }
}
