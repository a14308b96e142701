package io.hdkd.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.PluginManager;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The channels-last inference input holds the same values, and a detector's inference outputs do not change. */
class InferenceLayoutTest {

    @Test
    void channelsLastKeepsShapeAndValues() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = random(m, 3, 2, 3, 5, 7);
            NDArray y = InferenceLayout.channelsLast(x);
            assertThat(y.getShape()).isEqualTo(x.getShape());
            assertThat(y.toFloatArray()).containsExactly(x.toFloatArray());
            // element (n, c, h, w) is where NCHW indexing says it is, not merely the same multiset of values
            assertThat(y.get(1, 2, 4, 6).getFloat()).isEqualTo(x.get(1, 2, 4, 6).getFloat());
            NDArray flat = random(m, 5, 6);
            assertThat(InferenceLayout.channelsLast(flat)).isSameAs(flat);
        }
    }

    @Test
    void detectorInferenceEqualsTheNchwForwardToRounding() {
        for (String head : new String[] {"retinanet", "cornernet"}) {
            Map<String, String> raw = Map.of("model.backbone.type", "resnet18", "model.backbone.width", "0.125",
                    "model.neck.type", "fpn", "model.neck.channels", "8", "model.neck.levels", "p3, p4, p5",
                    "model.head.type", head);
            var config = new ConfigResolver(PluginManager.fromClasspath().registry(), Pipelines.schema()).resolve(raw);
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                DetectorBlock detector = DetectorBuilder.build(config, 3, 64, Device.cpu(), m);
                NDArray images = random(m, 11, 2, 3, 72, 56);
                ParameterStore ps = new ParameterStore(m, false);
                NDList nchw = detector.forwardTaps(ps, images, false).headOutputs();
                NDList inference = detector.forward(ps, new NDList(images), false);
                assertThat(inference.size()).as(head).isEqualTo(nchw.size());
                for (int i = 0; i < nchw.size(); i++) {
                    assertThat(inference.get(i).getShape()).isEqualTo(nchw.get(i).getShape());
                    float scale = nchw.get(i).abs().max().getFloat();
                    float diff = inference.get(i).sub(nchw.get(i)).abs().max().getFloat();
                    assertThat(diff).as("%s output %d", head, i).isLessThanOrEqualTo(1e-5f * Math.max(scale, 1f));
                }
            }
        }
    }

    private static NDArray random(NDManager m, long seed, long... shape) {
        Random rnd = new Random(seed);
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return m.create(v, new Shape(shape));
    }
}
