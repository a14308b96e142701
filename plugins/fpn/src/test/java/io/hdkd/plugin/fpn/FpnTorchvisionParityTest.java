package io.hdkd.plugin.fpn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.Neck;
import io.hdkd.api.Options;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * hdkd's FPN against torchvision 0.14's FeaturePyramidNetwork + LastLevelP6P7(8, 8) with the same weights, on the odd
 * sizes of a 100x100 image (fixture from scripts/parity/make_fpn_fixture.py).
 */
class FpnTorchvisionParityTest {

    @Test
    void outputsMatchTorchvisionWithin1e4Relative() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                InputStream in = getClass().getResourceAsStream("/parity/fpn.npz")) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> fixture = new HashMap<>();
            for (NDArray a : list) {
                fixture.put(a.getName(), a);
            }
            List<FeatureLevel> inputs = List.of(new FeatureLevel("c3", 8, 8), new FeatureLevel("c4", 16, 16),
                    new FeatureLevel("c5", 32, 32));
            FpnFactory factory = new FpnFactory();
            Neck neck = factory.create(Options.of("model.neck.", factory.options(), Map.of("channels", "8")),
                    new ComponentContext(1, inputs, Device.cpu(), 1));
            NDList x = new NDList(fixture.get("in.c3"), fixture.get("in.c4"), fixture.get("in.c5"));
            neck.block().initialize(manager, DataType.FLOAT32, x.getShapes());

            var parameters = neck.block().getParameters();
            Map<String, String> names = neck.stateDictNames();
            assertThat(names).hasSize(16).containsKeys("inner_blocks.0.0.weight", "layer_blocks.2.0.bias",
                    "extra_blocks.p6.weight", "extra_blocks.p7.bias");
            assertThat(names.values()).containsExactlyInAnyOrderElementsOf(parameters.keys());
            for (Map.Entry<String, String> e : names.entrySet()) {
                NDArray source = fixture.get(e.getKey());
                NDArray target = parameters.get(e.getValue()).getArray();
                assertThat(target.getShape()).as(e.getKey()).isEqualTo(source.getShape());
                target.set(source.toFloatArray());
            }

            NDList out = neck.block().forward(new ParameterStore(manager, false), x, false);
            String[] levels = {"p3", "p4", "p5", "p6", "p7"};
            for (int i = 0; i < levels.length; i++) {
                NDArray expected = fixture.get("out." + levels[i]);
                assertThat(out.get(i).getShape()).as(levels[i]).isEqualTo(expected.getShape());
                float maxAbs = expected.abs().max().getFloat();
                float relative = out.get(i).sub(expected).abs().max().getFloat() / maxAbs;
                System.out.printf("fpn parity %s: relative %.3g (max|torchvision| %.3g)%n", levels[i], relative, maxAbs);
                assertThat(maxAbs).isGreaterThan(0.1f);
                assertThat(relative).as(levels[i]).isLessThanOrEqualTo(1e-4f);
            }
            assertThat(out.get(0).getShape()).isEqualTo(new Shape(1, 8, 13, 13));
        }
    }
}
