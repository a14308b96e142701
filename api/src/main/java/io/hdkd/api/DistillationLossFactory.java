package io.hdkd.api;

/** Creates a distillation loss; registered with {@link Components}. */
public interface DistillationLossFactory extends ComponentFactory<DistillationLoss> {}
