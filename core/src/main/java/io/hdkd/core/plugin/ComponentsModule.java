package io.hdkd.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.util.Types;
import io.hdkd.api.ComponentFactory;
import io.hdkd.api.ComponentKind;

/**
 * Exposes the merged registry to the host's injector: {@code Map<String, BackboneFactory>}, {@code Map<String,
 * NeckFactory>} and so on (one per {@link ComponentKind}, possibly empty), and the {@link ComponentRegistry} itself
 * for listings that need the owning plugins.
 */
public final class ComponentsModule extends AbstractModule {

    private final ComponentRegistry registry;

    public ComponentsModule(ComponentRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void configure() {
        bind(ComponentRegistry.class).toInstance(registry);
        for (ComponentKind kind : ComponentKind.values()) {
            bindKind(kind, kind.factoryType());
        }
    }

    private <F extends ComponentFactory<?>> void bindKind(ComponentKind kind, Class<F> type) {
        @SuppressWarnings("unchecked")
        Key<java.util.Map<String, F>> key = (Key<java.util.Map<String, F>>) Key.get(Types.mapOf(String.class, type));
        bind(key).toInstance(registry.factories(kind, type));
    }
}
