package io.hdkd.api;

/** Creates a detector head; registered with {@link Components}. */
public interface HeadFactory extends ComponentFactory<DetectorHead> {}
