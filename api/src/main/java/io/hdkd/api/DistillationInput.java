package io.hdkd.api;

import java.util.List;

/**
 * What a distillation loss sees at one training step.
 *
 * @param student the student's taps (with gradient)
 * @param teacher the frozen teacher's taps (no gradient)
 * @param partition the partition of the teacher's feature locations, or null when no partitioner is configured
 * @param targets ground truth per image, in input coordinates
 */
public record DistillationInput(Taps student, Taps teacher, Partition partition, List<ImageTargets> targets) {

    public DistillationInput {
        targets = List.copyOf(targets);
    }
}
