package io.hdkd.api;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * What a distillation loss sees at one training step.
 *
 * <p>SPI 2 added the student's head and raw outputs (so that a loss can train the student's own head on targets the
 * teacher provides), the teacher's detections (given only to losses that {@link
 * DistillationLoss#needsTeacherDetections() ask for them}), the input shape and the training progress (for
 * schedules). Losses built for SPI 1 keep using the first four components.
 *
 * @param student the student's taps (with gradient)
 * @param teacher the frozen teacher's taps (no gradient)
 * @param partition the partition of the teacher's feature locations, or null when no partitioner is configured
 * @param targets ground truth per image, in input coordinates
 * @param studentHead the student's head, or null where the host has none to give
 * @param studentOutputs the student head's raw outputs in {@link DetectorHead#outputs()} order (with gradient), or
 *     null
 * @param teacherDetections the teacher's decoded detections per image, in input coordinates, scored (see
 *     {@link ImageTargets}); empty unless a loss asked for them
 * @param inputShape the padded input's {@code (H, W)}, or null
 * @param progress how far training is
 */
public record DistillationInput(Taps student, Taps teacher, Partition partition, List<ImageTargets> targets,
        DetectorHead studentHead, NDList studentOutputs, List<ImageTargets> teacherDetections, Shape inputShape,
        TrainingProgress progress) {

    public DistillationInput {
        targets = List.copyOf(targets);
        teacherDetections = List.copyOf(teacherDetections);
        if (progress == null) {
            progress = TrainingProgress.UNKNOWN;
        }
    }

    /** The SPI 1 form: taps, partition and ground truth only. */
    public DistillationInput(Taps student, Taps teacher, Partition partition, List<ImageTargets> targets) {
        this(student, teacher, partition, targets, null, null, List.of(), null, TrainingProgress.UNKNOWN);
    }

    /**
     * The student's head; an {@link InvalidInputException} naming what is missing where the host gave none.
     */
    public DetectorHead requireStudentHead() {
        if (studentHead == null || studentOutputs == null || inputShape == null) {
            throw new InvalidInputException("this loss needs the student's head and raw outputs, which this host"
                    + " does not provide");
        }
        return studentHead;
    }
}
