package io.hdkd.core.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum and L2 weight decay.
 *
 * <p>On the PyTorch engine each parameter is updated by one fused native call ({@code sgdUpdate}: decay, scale,
 * momentum and the in-place update in C++), instead of the half-dozen JNI round trips per parameter that
 * composing NDArray operations costs. That call keeps the learning rate inside the momentum buffer
 * ({@code v = m v + lr (g + wd w); w -= v}), which equals PyTorch's {@code v = m v + g + wd w; w -= lr v} whenever
 * the learning rate is constant and differs only transiently when it changes (warmup, steps).
 */
public final class Sgd implements Optimizer {

    private final float momentum;
    private final float weightDecay;
    private final NDManager manager;
    private final List<NDArray> velocity = new ArrayList<>();

    /**
     * @param manager owns the momentum buffers (the model's manager, so they live as long as the parameters)
     */
    public Sgd(float momentum, float weightDecay, NDManager manager) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.manager = manager;
    }

    @Override
    public void step(List<Parameter> params, float lr) {
        ensureState(params);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!Gradients.hasGradient(p)) {
                continue;
            }
            NDArray w = p.getArray();
            try (NDArray g = Gradients.gradient(p)) {
                NDArray v = velocity.get(i);
                if (w instanceof PtNDArray pw) {
                    JniUtils.sgdUpdate(pw, (PtNDArray) g, (PtNDArray) v, lr, weightDecay, 1f, -1f, momentum);
                } else {
                    try (NDArray step = g.add(w.mul(weightDecay)).muli(lr)) {
                        v.muli(momentum).addi(step);
                        w.subi(v);
                    }
                }
            }
            Gradients.zero(p);
        }
    }

    private void ensureState(List<Parameter> params) {
        if (velocity.isEmpty()) {
            for (Parameter p : params) {
                NDArray v = manager.zeros(p.getArray().getShape(), p.getArray().getDataType(), p.getArray().getDevice());
                velocity.add(v);
            }
        } else if (velocity.size() != params.size()) {
            throw new IllegalStateException("optimizer state is for " + velocity.size() + " parameters, got " + params.size());
        }
    }

    @Override
    public NDList state() {
        return new NDList(velocity);
    }

    @Override
    public void loadState(NDList state, NDManager from) {
        velocity.forEach(NDArray::close);
        velocity.clear();
        for (NDArray a : state) {
            NDArray copy = a.duplicate();
            copy.attach(manager);
            velocity.add(copy);
        }
    }
}
