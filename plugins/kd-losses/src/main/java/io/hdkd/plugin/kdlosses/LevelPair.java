package io.hdkd.plugin.kdlosses;

import io.hdkd.api.FeatureLevel;

/**
 * One teacher tap and the student tap distilled into it.
 *
 * @param teacher the teacher's level (the target)
 * @param student the student's level whose (adapted, resized) features are compared with the teacher's
 */
public record LevelPair(FeatureLevel teacher, FeatureLevel student) {

    /** True if the student's channels must be mapped to the teacher's before the two can be compared. */
    public boolean channelsDiffer() {
        return teacher.channels() != student.channels();
    }

    /** True if the student's map has another stride, so it is resized bilinearly to the teacher's spatial size. */
    public boolean stridesDiffer() {
        return teacher.stride() != student.stride();
    }
}
