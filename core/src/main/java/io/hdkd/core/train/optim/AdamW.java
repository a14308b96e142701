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
 * AdamW (decoupled weight decay, Loshchilov and Hutter), one fused native call per parameter on the PyTorch engine.
 * The step count is part of the state so that bias correction continues exactly after a resume.
 */
public final class AdamW implements Optimizer {

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final NDManager manager;
    private final List<NDArray> mean = new ArrayList<>();
    private final List<NDArray> variance = new ArrayList<>();
    private long t;
    /** The step count as an array, for {@link #state()}; replaced (and the old one freed) by each call. */
    private NDArray stepArray;

    public AdamW(float beta1, float beta2, float eps, float weightDecay, NDManager manager) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = manager;
    }

    @Override
    public void step(List<Parameter> params, float lr) {
        if (mean.isEmpty()) {
            for (Parameter p : params) {
                NDArray a = p.getArray();
                mean.add(manager.zeros(a.getShape(), a.getDataType(), a.getDevice()));
                variance.add(manager.zeros(a.getShape(), a.getDataType(), a.getDevice()));
            }
        }
        t++;
        // Bias correction folded into the step size, as in the Adam paper's efficient form.
        float corrected = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!Gradients.hasGradient(p)) {
                continue;
            }
            NDArray w = p.getArray();
            NDArray m = mean.get(i);
            NDArray v = variance.get(i);
            try (NDArray g = Gradients.gradient(p)) {
                if (w instanceof PtNDArray pw) {
                    JniUtils.adamUpdate(pw, (PtNDArray) g, (PtNDArray) m, (PtNDArray) v, lr, corrected, weightDecay, 1f,
                            -1f, beta1, beta2, eps, true);
                } else {
                    w.subi(w.mul(lr * weightDecay));
                    m.muli(beta1).addi(g.mul(1 - beta1));
                    v.muli(beta2).addi(g.square().muli(1 - beta2));
                    w.subi(m.mul(corrected).divi(v.sqrt().addi(eps)));
                }
            }
            Gradients.zero(p);
        }
    }

    @Override
    public NDList state() {
        NDList s = new NDList();
        s.addAll(mean);
        s.addAll(variance);
        // Made in the model's manager, which lives all run: free the previous checkpoint's copy rather than keep
        // one per checkpoint.
        if (stepArray != null) {
            stepArray.close();
        }
        stepArray = manager.create(new long[] {t});
        s.add(stepArray);
        return s;
    }

    @Override
    public void loadState(NDList state, NDManager from) {
        mean.forEach(NDArray::close);
        variance.forEach(NDArray::close);
        mean.clear();
        variance.clear();
        int n = (state.size() - 1) / 2;
        for (int i = 0; i < state.size() - 1; i++) {
            NDArray a = state.get(i);
            NDArray copy = a.duplicate();
            copy.attach(manager);
            (i < n ? mean : variance).add(copy);
        }
        t = state.get(state.size() - 1).getLong();
    }
}
