package io.hdkd.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** One plain SGD update of a block's trainable parameters from their gradients, which it then zeroes. */
final class Sgd {

    private Sgd() {}

    static void step(Block block, float learningRate) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            if (parameter.requiresGradient() && parameter.isInitialized()) {
                update(parameter.getArray(), learningRate);
            }
        }
    }

    static void update(NDArray weight, float learningRate) {
        NDArray gradient = weight.getGradient();
        try (NDArray delta = gradient.mul(learningRate)) {
            weight.subi(delta);
        }
        gradient.subi(gradient);
    }
}
