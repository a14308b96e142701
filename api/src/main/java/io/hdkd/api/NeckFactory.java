package io.hdkd.api;

/** Creates a neck (e.g. FPN); registered with {@link Components}. */
public interface NeckFactory extends ComponentFactory<Neck> {}
