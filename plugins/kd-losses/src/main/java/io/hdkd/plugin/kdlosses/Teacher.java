package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;

/** Brings a teacher tap next to the student's: same engine, no gradient. */
final class Teacher {

    private Teacher() {}

    /**
     * {@code teacher} in the student's engine (an ONNX Runtime teacher's array is copied into the student's manager;
     * ONNX Runtime arrays support no autograd calls at all) and detached, so no gradient can reach the teacher even
     * if the host handed over an array that records one.
     */
    static NDArray detached(NDArray teacher, NDArray student) {
        return student.getManager().from(teacher).stopGradient();
    }
}
