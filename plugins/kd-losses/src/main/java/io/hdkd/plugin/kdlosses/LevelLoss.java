package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;

/** The loss of one level between an (adapted, resized) student map and the teacher's map of the same shape. */
@FunctionalInterface
interface LevelLoss {

    /**
     * @param student {@code N x C x H x W}, with gradient
     * @param teacher {@code N x C x H x W}, detached
     * @return a scalar, a mean (never a sum over pixels) so that levels of different sizes are comparable
     */
    NDArray apply(NDArray student, NDArray teacher);
}
