package io.hdkd.api;

/** Creates a feature partitioner; registered with {@link Components}. */
public interface PartitionerFactory extends ComponentFactory<FeaturePartitioner> {}
