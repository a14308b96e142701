package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static io.hdkd.plugin.kdlosses.Fixtures.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.FeatureLevel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A frozen ONNX teacher hands over ONNX Runtime arrays, which support no autograd calls: the losses must cope. */
class OnnxTeacherTest {

    private NDManager pytorch;
    private NDManager onnx;

    @BeforeEach
    void open() {
        pytorch = NDManager.newBaseManager("PyTorch");
        onnx = NDManager.newBaseManager("OnnxRuntime");
    }

    @AfterEach
    void close() {
        onnx.close();
        pytorch.close();
    }

    @Test
    void featureLossesTakeOnnxRuntimeTeacherTaps() {
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 3));
        NDArray t = randn(pytorch, 101, 1, 2, 3, 4, 4);
        NDArray onnxTeacher = onnx.create(t.toFloatArray(), t.getShape());
        assertThat(onnxTeacher.getManager().getEngine().getEngineName()).isEqualTo("OnnxRuntime");
        for (DistillationLossFactory factory : List.of(new PkdLossFactory(), new CwdLossFactory())) {
            DistillationLoss loss = factory.create(Fixtures.options(factory, Map.of("levels", "p3")),
                    Fixtures.context(Fixtures.featurePair(levels, levels)));
            NDArray s = randn(pytorch, 102, 1, 2, 3, 4, 4);
            s.setRequiresGradient(true);
            float fromOnnx;
            try (GradientCollector collector = pytorch.getEngine().newGradientCollector()) {
                NDArray value = loss.compute(Fixtures.input(Fixtures.taps("p3", s), Fixtures.taps("p3", onnxTeacher)));
                fromOnnx = scalar(value);
                collector.backward(value);
            }
            float fromPytorch = scalar(loss.compute(Fixtures.input(Fixtures.taps("p3", s), Fixtures.taps("p3", t))));
            assertThat(fromOnnx).as(factory.name()).isCloseTo(fromPytorch, within(1e-6f));
            assertThat(GradientAssert.norm(s)).as(factory.name()).isGreaterThan(0);
        }
    }
}
