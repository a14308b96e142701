package io.hdkd.api;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A distillation loss between student and teacher taps.
 *
 * <p>Losses on class outputs (soft targets) need the same head type on both sides; feature losses do not. Trainable
 * parts (adapters that align channels) live in {@link #adapter()}: they train with the student and are dropped when
 * the student is saved.
 */
public interface DistillationLoss {

    /** The tap names this loss reads, e.g. {@code p3, p4, p5}. */
    List<String> taps();

    /** True if teacher and student heads must be of the same {@link DetectorHead#type()}. */
    boolean requiresSameHeadType();

    /** The loss's trainable adapters, if any. */
    default Optional<Block> adapter() {
        return Optional.empty();
    }

    /**
     * True if {@link #compute} reads {@link DistillationInput#teacherDetections()}: the host then decodes the
     * teacher's outputs every step (a cost it skips otherwise). SPI 2.
     */
    default boolean needsTeacherDetections() {
        return false;
    }

    /**
     * The number of subspaces K this loss needs from {@code distill.partitioner} (SPI 2), and the option of this loss
     * that sets it, or empty if the loss reads no partition. The host compares it with the partitioner's
     * {@link FeaturePartitioner#subspaces()} before any work and names both keys when they differ.
     */
    default Optional<PartitionNeed> partitionNeed() {
        return Optional.empty();
    }

    /**
     * What a loss needs from the partitioner.
     *
     * @param subspaces K
     * @param optionKey the loss's option (relative to its slot) that sets K, e.g. {@code subspaces}
     */
    record PartitionNeed(int subspaces, String optionKey) {}

    /** The scalar loss (unweighted; the host applies the configured weight). */
    NDArray compute(DistillationInput input);

    /**
     * Values worth logging from the most recent {@link #compute} call, e.g. learned combination weights or per-part
     * losses, by a short name ({@code combination.w0}); empty by default. Read after {@code compute}; plain numbers so
     * that the host can log them without holding arrays.
     */
    default Map<String, Double> diagnostics() {
        return Map.of();
    }
}
