package com.example.fcos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.Options;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.api.export.OnnxGraph;
import io.hdkd.core.export.OnnxGraphBuilder;
import io.hdkd.core.export.OnnxModelRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The head's ONNX export (SPI 2) against the PyTorch engine, written by hdkd's own graph builder and run by ONNX
 * Runtime as {@code hdkd export} and {@code hdkd eval --model} run it (hdkd-core at test scope): raw outputs within
 * 1e-4 of each output's largest magnitude, and the decoded detections equal to {@link FcosHead#decode}'s (same count
 * and labels, boxes to 1e-3 px, scores to 1e-4). Random weights, GroupNorm parameters and level scales (seeded); an
 * input whose sides are not multiples of the strides.
 */
class FcosExportTest {

    private static final List<FeatureLevel> LEVELS = List.of(new FeatureLevel("p3", 8, 8),
            new FeatureLevel("p4", 16, 8), new FeatureLevel("p5", 32, 8));
    private static final int HEIGHT = 72;
    private static final int WIDTH = 56;
    private static final int CLASSES = 3;

    @ParameterizedTest(name = "opset {0}")
    @ValueSource(ints = {13, 17, 21})
    void rawOutputsAndDecodedDetectionsMatchThePyTorchEngine(int opset) {
        Map<String, String> options = new HashMap<>();
        options.put("gn-groups", "4");
        options.put("num-convs", "2");
        // a high prior and spread weights: scores around 0.3, so top-k, the threshold and NMS all have work
        options.put("prior-prob", "0.3");
        options.put("topk-candidates", "40");
        options.put("max-detections", "30");
        FcosHeadFactory factory = new FcosHeadFactory();
        DetectorHead head = factory.create(Options.of("model.head.", factory.options(), options),
                new ComponentContext(CLASSES, LEVELS, Device.cpu(), 7));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Shape[] shapes = new Shape[LEVELS.size()];
            for (int l = 0; l < LEVELS.size(); l++) {
                int s = LEVELS.get(l).stride();
                shapes[l] = new Shape(1, 8, (HEIGHT + s - 1) / s, (WIDTH + s - 1) / s);
            }
            head.block().initialize(m, DataType.FLOAT32, shapes);
            randomise(head, 11);
            Random rnd = new Random(13);
            NDList features = new NDList();
            Map<String, OnnxModelRunner.Input> inputs = new LinkedHashMap<>();
            for (int l = 0; l < LEVELS.size(); l++) {
                NDArray f = gaussian(m, rnd, 1.0, shapes[l]);
                features.add(f);
                inputs.put(LEVELS.get(l).name(), new OnnxModelRunner.Input(f.toFloatArray(), shapes[l].getShape()));
            }
            NDList want = head.block().forward(new ParameterStore(m, false), features, false);
            List<Detection> detections = head.decode(want, List.of(new ImageMeta(1, WIDTH, HEIGHT, 1f, 1f)),
                    new Shape(HEIGHT, WIDTH)).get(0);

            OnnxGraphBuilder g = new OnnxGraphBuilder(opset, "fcos_head");
            List<OnnxGraph.Value> levels = new ArrayList<>();
            for (FeatureLevel level : LEVELS) {
                levels.add(g.input(level.name(), new long[] {1, 8, -1, -1},
                        new String[] {"n", "c", level.name() + "_h", level.name() + "_w"}));
            }
            List<OnnxGraph.Value> raw = head.exporter().orElseThrow().export(g, levels);
            assertThat(raw).hasSize(want.size());
            for (int i = 0; i < raw.size(); i++) {
                g.output(head.outputs().get(i).name(), raw.get(i), TensorProto.DataType.FLOAT);
            }
            DetectionOutputs.Values decoded = head.detectionExporter().orElseThrow().export(g, raw, HEIGHT, WIDTH);
            g.output(DetectionOutputs.BOXES, decoded.boxes(), TensorProto.DataType.FLOAT, 2);
            g.output(DetectionOutputs.SCORES, decoded.scores(), TensorProto.DataType.FLOAT, 1);
            g.output(DetectionOutputs.LABELS, decoded.labels(), TensorProto.DataType.INT64, 1);

            try (OnnxModelRunner runner = OnnxModelRunner.of(g.model("fcos-test").toByteArray())) {
                Map<String, OnnxModelRunner.Output> out = runner.run(inputs);
                for (int i = 0; i < want.size(); i++) {
                    String name = head.outputs().get(i).name();
                    OnnxModelRunner.Output got = out.get(name);
                    assertThat(got.shape()).as("shape of %s", name).isEqualTo(want.get(i).getShape().getShape());
                    assertThat(relativeError(got.floats(), want.get(i).toFloatArray())).as("relative error of %s",
                            name).isLessThanOrEqualTo(1e-4);
                }

                assertThat(detections).hasSizeGreaterThan(10);
                assertThat(detections.stream().map(Detection::label).distinct()).hasSize(CLASSES);
                float[] boxes = out.get(DetectionOutputs.BOXES).floats();
                float[] scores = out.get(DetectionOutputs.SCORES).floats();
                long[] labels = out.get(DetectionOutputs.LABELS).longs();
                assertThat(scores).hasSize(detections.size());
                for (int i = 0; i < detections.size(); i++) {
                    Detection d = detections.get(i);
                    assertThat(labels[i]).as("label %d", i).isEqualTo(d.label());
                    assertThat((double) scores[i]).as("score %d", i).isCloseTo(d.score(), within(1e-4));
                    float[] b = {d.x1(), d.y1(), d.x2(), d.y2()};
                    for (int j = 0; j < 4; j++) {
                        assertThat((double) boxes[4 * i + j]).as("box %d", i).isCloseTo(b[j], within(1e-3));
                    }
                }
            }
        }
    }

    /** Every parameter drawn at random: conv weights and biases, GroupNorm gamma and beta, the levels' scales. */
    private static void randomise(DetectorHead head, long seed) {
        Random rnd = new Random(seed);
        for (Parameter p : head.block().getParameters().values()) {
            NDArray a = p.getArray();
            float[] v = new float[(int) a.size()];
            String name = p.getName();
            for (int i = 0; i < v.length; i++) {
                double x = rnd.nextGaussian();
                v[i] = (float) (name.equals("gamma") || name.startsWith("scale_") ? 1 + 0.3 * x
                        : name.equals("weight") ? 0.15 * x : 0.1 * x);
            }
            if (name.equals("bias") && a.size() == CLASSES) {
                continue; // the class logits' bias keeps the prior
            }
            a.set(v);
        }
    }

    private static NDArray gaussian(NDManager m, Random rnd, double std, Shape shape) {
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * rnd.nextGaussian());
        }
        return m.create(v, shape);
    }

    /** max |got - want| / max |want|. */
    private static double relativeError(float[] got, float[] want) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }
}
