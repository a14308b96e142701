package io.hdkd.api;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;

/**
 * The small binder DSL a plugin's module uses to register factories under their names.
 *
 * <p>Underneath is one Guice {@link MapBinder} per {@link ComponentKind}, keyed by {@link ComponentFactory#name()},
 * so the host injects {@code Map<String, BackboneFactory>} and so on.
 *
 * <pre>{@code
 * public Module module() {
 *     return binder -> Components.in(binder).partitioner(new KMeansPartitionerFactory());
 * }
 * }</pre>
 */
public final class Components {

    private final Binder binder;

    private Components(Binder binder) {
        this.binder = binder;
    }

    public static Components in(Binder binder) {
        return new Components(binder);
    }

    public Components backbone(BackboneFactory factory) {
        return add(ComponentKind.BACKBONE, factory);
    }

    public Components neck(NeckFactory factory) {
        return add(ComponentKind.NECK, factory);
    }

    public Components head(HeadFactory factory) {
        return add(ComponentKind.HEAD, factory);
    }

    public Components partitioner(PartitionerFactory factory) {
        return add(ComponentKind.PARTITIONER, factory);
    }

    public Components loss(DistillationLossFactory factory) {
        return add(ComponentKind.LOSS, factory);
    }

    private <F extends ComponentFactory<?>> Components add(ComponentKind kind, F factory) {
        @SuppressWarnings("unchecked")
        Class<F> type = (Class<F>) kind.factoryType();
        MapBinder.newMapBinder(binder, String.class, type).addBinding(factory.name()).toInstance(factory);
        return this;
    }
}
