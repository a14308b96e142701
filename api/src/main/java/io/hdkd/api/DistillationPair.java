package io.hdkd.api;

import java.util.List;

/**
 * What a distillation loss needs to know about the two detectors when it is created: their tap levels (names, strides,
 * channels), their head outputs, and their head types. Adapters are sized from this, before training starts.
 *
 * @param studentLevels the student's feature taps (backbone and neck levels)
 * @param teacherLevels the teacher's feature taps
 * @param studentOutputs the student head's raw outputs
 * @param teacherOutputs the teacher head's raw outputs (empty for a features-only teacher, e.g. an ONNX backbone)
 * @param studentHeadType the student's {@link DetectorHead#type()}
 * @param teacherHeadType the teacher's head type, or null when the teacher has no head
 */
public record DistillationPair(List<FeatureLevel> studentLevels, List<FeatureLevel> teacherLevels,
        List<HeadOutput> studentOutputs, List<HeadOutput> teacherOutputs, String studentHeadType,
        String teacherHeadType) {

    public DistillationPair {
        studentLevels = List.copyOf(studentLevels);
        teacherLevels = List.copyOf(teacherLevels);
        studentOutputs = List.copyOf(studentOutputs);
        teacherOutputs = List.copyOf(teacherOutputs);
    }

    /** True if both detectors have heads of the same type, so outputs such as class logits correspond. */
    public boolean sameHeadType() {
        return teacherHeadType != null && teacherHeadType.equals(studentHeadType);
    }
}
