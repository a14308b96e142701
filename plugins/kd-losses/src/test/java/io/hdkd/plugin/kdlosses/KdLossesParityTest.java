package io.hdkd.plugin.kdlosses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.OutputKind;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plugin against values PyTorch computed on the same inputs (fixture written by
 * scripts/parity/kd_losses_parity.py with torch 1.13, in float64).
 */
class KdLossesParityTest {

    private static final double TOLERANCE = 1e-5;

    private NDManager manager;
    private Map<String, NDArray> fixture;

    @BeforeEach
    void load() throws IOException {
        manager = NDManager.newBaseManager("PyTorch");
        fixture = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/parity/kd-losses.npz")) {
            assertThat(in).as("parity fixture").isNotNull();
            for (NDArray a : NDList.decode(manager, in.readAllBytes())) {
                fixture.put(a.getName(), a);
            }
        }
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray get(String name) {
        NDArray a = fixture.get(name);
        assertThat(a).as(name + " in " + fixture.keySet()).isNotNull();
        return a;
    }

    private double expected(String name) {
        return get("expected_" + name).toType(DataType.FLOAT64, false).getDouble();
    }

    private static double value(NDArray a) {
        return a.toType(DataType.FLOAT64, false).getDouble();
    }

    @Test
    void featureFormulasMatchTorch() {
        NDArray s = get("feat_s");
        NDArray t = get("feat_t");
        assertThat(value(FeatureLosses.pkd(s, t))).isCloseTo(expected("pkd"), within(TOLERANCE));
        assertThat(value(FeatureLosses.cwd(s, t, 1))).isCloseTo(expected("cwd_tau1"), within(TOLERANCE));
        assertThat(value(FeatureLosses.cwd(s, t, 4))).isCloseTo(expected("cwd_tau4"), within(TOLERANCE));
        double[] resized = Fixtures.values(FeatureMaps.resize(get("small_s"), 4, 5));
        double[] torchResized = Fixtures.values(get("expected_resized"));
        for (int i = 0; i < resized.length; i++) {
            assertThat(resized[i]).isCloseTo(torchResized[i], within(TOLERANCE));
        }
    }

    @Test
    void pkdThroughTheFactoryResizesTheCoarserStudentLevelLikeTorch() {
        DistillationPair pair = Fixtures.featurePair(List.of(new FeatureLevel("p4", 16, 3)),
                List.of(new FeatureLevel("p3", 8, 3)));
        DistillationLoss loss = create(new PkdLossFactory(), pair, Map.of("levels", "p3"));
        NDArray got = loss.compute(Fixtures.input(Fixtures.taps("p4", get("small_s")),
                Fixtures.taps("p3", get("feat_t"))));
        assertThat(value(got)).isCloseTo(expected("pkd_resized"), within(TOLERANCE));
    }

    @Test
    void fitnetWithTorchsAdapterWeightsMatchesTorch() {
        DistillationPair pair = Fixtures.featurePair(List.of(new FeatureLevel("p3", 8, 3)),
                List.of(new FeatureLevel("p3", 8, 3)));
        DistillationLoss loss = create(new FitNetLossFactory(), pair,
                Map.of("levels", "p3", "adapter-norm", "false"));
        Block adapter = loss.adapter().orElseThrow();
        adapter.initialize(manager, DataType.FLOAT32);
        for (Pair<String, Parameter> p : adapter.getParameters()) {
            NDArray source = p.getKey().endsWith("weight") ? get("adapter_w") : get("adapter_b");
            p.getValue().getArray().set(source.toFloatArray());
        }
        NDArray got = loss.compute(Fixtures.input(Fixtures.taps("p3", get("feat_s")),
                Fixtures.taps("p3", get("feat_t"))));
        assertThat(value(got)).isCloseTo(expected("fitnet_adapted"), within(TOLERANCE));
    }

    @Test
    void klMatchesTorchsBceAndKlDiv() {
        List<HeadOutput> sigmoid = List.of(new HeadOutput("cls", OutputKind.CLASS_LOGITS_SIGMOID, 8));
        List<HeadOutput> softmax = List.of(new HeadOutput("cls", OutputKind.CLASS_LOGITS_SOFTMAX, 0));
        for (double temperature : new double[] {1, 2}) {
            DistillationLoss loss = create(new SoftTargetKlLossFactory(),
                    Fixtures.headPair(sigmoid, sigmoid, "retinanet", "retinanet"),
                    Map.of("temperature", Double.toString(temperature)));
            NDArray got = loss.compute(Fixtures.input(Fixtures.taps("cls", get("cls_s")),
                    Fixtures.taps("cls", get("cls_t"))));
            assertThat(value(got)).isCloseTo(expected("kl_sigmoid_t" + (int) temperature), within(TOLERANCE));
        }
        for (double temperature : new double[] {1, 3}) {
            DistillationLoss loss = create(new SoftTargetKlLossFactory(),
                    Fixtures.headPair(softmax, softmax, "twostage", "twostage"),
                    Map.of("temperature", Double.toString(temperature)));
            NDArray got = loss.compute(Fixtures.input(Fixtures.taps("cls", get("mc_s")),
                    Fixtures.taps("cls", get("mc_t"))));
            assertThat(value(got)).isCloseTo(expected("kl_softmax_t" + (int) temperature), within(TOLERANCE));
        }
    }

    private static DistillationLoss create(DistillationLossFactory factory, DistillationPair pair,
            Map<String, String> given) {
        return factory.create(Fixtures.options(factory, given), Fixtures.context(pair));
    }
}
