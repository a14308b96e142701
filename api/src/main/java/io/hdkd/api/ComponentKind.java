package io.hdkd.api;

/** The kinds of component a plugin can contribute, each with its factory interface. */
public enum ComponentKind {
    BACKBONE("backbone", BackboneFactory.class),
    NECK("neck", NeckFactory.class),
    HEAD("head", HeadFactory.class),
    PARTITIONER("partitioner", PartitionerFactory.class),
    LOSS("loss", DistillationLossFactory.class);

    private final String label;
    private final Class<? extends ComponentFactory<?>> factoryType;

    ComponentKind(String label, Class<? extends ComponentFactory<?>> factoryType) {
        this.label = label;
        this.factoryType = factoryType;
    }

    /** The word used in messages and listings, e.g. {@code backbone}. */
    public String label() {
        return label;
    }

    public Class<? extends ComponentFactory<?>> factoryType() {
        return factoryType;
    }
}
