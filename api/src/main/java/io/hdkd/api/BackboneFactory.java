package io.hdkd.api;

/** Creates a backbone; registered with {@link Components}. */
public interface BackboneFactory extends ComponentFactory<Backbone> {}
