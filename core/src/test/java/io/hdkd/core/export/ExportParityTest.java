package io.hdkd.core.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.hdkd.api.Backbone;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.api.export.OnnxGraph.Value;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ONNX Runtime runs an exported block as the PyTorch engine runs the DJL block: every output equal within 1e-4 of its
 * largest magnitude. Random weights, and random BatchNorm statistics and affine parameters (a fresh BatchNorm is the
 * identity, which would not test the folding); tiny widths and inputs.
 */
class ExportParityTest {

    static final double TOLERANCE = 1e-4;

    private static ComponentRegistry registry;

    @BeforeAll
    static void plugins() {
        registry = PluginManager.fromClasspath().registry();
    }

    @ParameterizedTest(name = "{0} width {1}")
    @CsvSource({"resnet18, 0.125", "resnet50, 0.125", "resnet101, 0.125",
        "resnext50_32x4d, 0.25"})
    void resnetBackbones(String type, double width) {
        ResolvedConfig config = resolve(Map.of("model.backbone.type", type,
                "model.backbone.width", Double.toString(width), "model.head.type", "retinanet",
                "model.neck.type", "fpn", "model.neck.channels", "8"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Backbone backbone = (Backbone) config.component(ComponentSlot.BACKBONE).orElseThrow()
                    .create(new ComponentContext(3, List.of(), Device.cpu(), 7));
            backbone.block().initialize(m, DataType.FLOAT32, new Shape(1, 3, 40, 40));
            randomiseNorms(backbone.block().getParameters().values(), 11);
            NDArray images = random(m, 13, 2, 3, 40, 40);
            NDList expected = backbone.block().forward(new ParameterStore(m, false), new NDList(images), false);

            OnnxGraphBuilder g = new OnnxGraphBuilder(OnnxGraphBuilder.DEFAULT_OPSET, "backbone");
            Value in = g.input("images", new long[] {-1, 3, -1, -1}, new String[] {"n", "c", "h", "w"});
            List<Value> out = backbone.exporter().orElseThrow().export(g, List.of(in));
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (int i = 0; i < out.size(); i++) {
                FeatureLevel level = backbone.levels().get(i);
                g.output(level.name(), out.get(i), TensorProto.DataType.FLOAT);
                byName.put(level.name(), expected.get(i));
            }
            assertParity(model(g), images, byName);
        }
    }

    @Test
    void fpnRetinaNetDetectorWithTaps() {
        ResolvedConfig config = resolve(tiny("retinanet"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            DetectorBlock detector = DetectorBuilder.build(config, 3, 64, Device.cpu(), m);
            randomiseNorms(detector.getParameters().values(), 5);
            // a non-square input whose sides are not multiples of the largest stride: FPN's upsampling crops
            NDArray images = random(m, 17, 2, 3, 72, 56);
            DetectorBlock.Result r = detector.forwardTaps(new ParameterStore(m, false), images, false);
            ModelProto model = DetectorExport.export(detector, config, categories(3),
                    LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION)),
                    new DetectorExport.Settings(OnnxGraphBuilder.DEFAULT_OPSET, 0, false, List.of("c3", "p4")),
                    "test");
            Map<String, NDArray> expected = new LinkedHashMap<>();
            for (String name : List.of("cls_p3", "cls_p4", "cls_p5", "box_p3", "box_p4", "box_p5", "c3", "p4")) {
                expected.put(name, r.taps().arrays().get(name));
            }
            assertParity(model, images, expected);
        }
    }

    @ParameterizedTest(name = "opset {0}")
    @CsvSource({"13", "17", "21"})
    void cornerNetDetector(int opset) {
        Map<String, String> raw = new LinkedHashMap<>(tiny("cornernet"));
        raw.put("model.head.level", "p3");
        raw.put("model.head.channels", "8");
        ResolvedConfig config = resolve(raw);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            DetectorBlock detector = DetectorBuilder.build(config, 2, 64, Device.cpu(), m);
            randomiseNorms(detector.getParameters().values(), 3);
            NDArray images = random(m, 19, 1, 3, 64, 48);
            DetectorBlock.Result r = detector.forwardTaps(new ParameterStore(m, false), images, false);
            ModelProto model = DetectorExport.export(detector, config, categories(2),
                    LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION)),
                    new DetectorExport.Settings(opset, 0, false, List.of()), "test");
            Map<String, NDArray> expected = new LinkedHashMap<>();
            for (String name : List.of("tl_heatmap", "br_heatmap", "tl_embedding", "br_embedding", "tl_offset",
                    "br_offset")) {
                expected.put(name, r.taps().arrays().get(name));
            }
            assertParity(model, images, expected);
        }
    }

    @Test
    void retinaNetDecodingInTheGraphGivesHdkdsDetections() {
        Map<String, String> raw = new LinkedHashMap<>(tiny("retinanet"));
        raw.put("model.head.prior-prob", "0.2");
        ResolvedConfig config = resolve(raw);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            DetectorBlock detector = DetectorBuilder.build(config, 3, 64, Device.cpu(), m);
            randomiseNorms(detector.getParameters().values(), 23);
            // spread the head's scores (its init gives every anchor the prior), so ranking and NMS have work to do
            Random rnd = new Random(29);
            for (Parameter p : detector.head().block().getParameters().values()) {
                if (p.getName().equals("weight")) {
                    float[] v = new float[(int) p.getArray().size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (0.05 * rnd.nextGaussian());
                    }
                    p.getArray().set(v);
                }
            }
            NDArray images = random(m, 31, 1, 3, 64, 64);
            NDList rawOut = detector.forward(new ParameterStore(m, false), new NDList(images), false);
            List<Detection> want = detector.head().decode(rawOut, List.of(new ImageMeta(1, 64, 64, 1f, 1f)),
                    new Shape(64, 64)).get(0);
            ModelProto model = DetectorExport.export(detector, config, categories(3),
                    LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION)),
                    new DetectorExport.Settings(OnnxGraphBuilder.DEFAULT_OPSET, 64, true, List.of()), "test");
            assertThat(want).hasSizeGreaterThan(10);
            assertDetections(model, images, want);
        }
    }

    @ParameterizedTest(name = "opset {0}, top-k {1}")
    @CsvSource({"13, 12", "17, 12", "17, 100"})
    void cornerNetDecodingInTheGraphGivesHdkdsDetections(int opset, int topK) {
        Map<String, String> raw = new LinkedHashMap<>(tiny("cornernet"));
        raw.put("model.head.level", "p3");
        raw.put("model.head.channels", "8");
        raw.put("model.head.top-k", Integer.toString(topK));
        // random embeddings are spread: a wide threshold lets many pairs through to scoring and NMS
        raw.put("model.head.embedding-threshold", "3");
        raw.put("model.head.candidates", "60");
        raw.put("model.head.max-detections", "25");
        ResolvedConfig config = resolve(raw);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            DetectorBlock detector = DetectorBuilder.build(config, 2, 64, Device.cpu(), m);
            randomiseNorms(detector.getParameters().values(), 37);
            spreadHeadWeights(detector, 41, 0.2);
            NDArray images = random(m, 43, 1, 3, 64, 64);
            NDList rawOut = detector.forward(new ParameterStore(m, false), new NDList(images), false);
            // top-k 12 stays among the peaks; top-k 100 (of 2 x 8 x 8 cells) also takes cells of score 0, whose ties
            // ONNX's TopK and libtorch's order differently: neither decoder pairs them
            for (int side = 0; side < 2; side++) {
                long peaks = peaks(rawOut.get(side));
                if (topK < 100) {
                    assertThat(peaks).as("peaks of heatmap %d", side).isGreaterThan(topK);
                } else {
                    assertThat(peaks).as("peaks of heatmap %d", side).isLessThan(topK);
                }
            }
            List<Detection> want = detector.head().decode(rawOut, List.of(new ImageMeta(1, 64, 64, 1f, 1f)),
                    new Shape(64, 64)).get(0);
            ModelProto model = DetectorExport.export(detector, config, categories(2),
                    LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION)),
                    new DetectorExport.Settings(opset, 64, true, List.of()), "test");
            assertThat(want).hasSizeGreaterThan(5);
            assertThat(want.stream().map(Detection::label).distinct()).hasSize(2);
            assertDetections(model, images, want);
        }
    }

    /** Conv weights of the head drawn from N(0, std) (seeded), so that its outputs vary from cell to cell. */
    private static void spreadHeadWeights(DetectorBlock detector, long seed, double std) {
        Random rnd = new Random(seed);
        for (Parameter p : detector.head().block().getParameters().values()) {
            if (p.getName().equals("weight")) {
                float[] v = new float[(int) p.getArray().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (std * rnd.nextGaussian());
                }
                p.getArray().set(v);
            }
        }
    }

    /** Cells of a 1 x C x H x W heatmap (logits) equal to their 3x3 max pool, as CornerNet's decoder finds them. */
    private static long peaks(NDArray logits) {
        NDArray heat = ai.djl.nn.Activation.sigmoid(logits);
        NDArray pooled = ai.djl.nn.pooling.Pool.maxPool2d(heat, new Shape(3, 3), new Shape(1, 1), new Shape(1, 1),
                false);
        return pooled.eq(heat).sum().toType(DataType.INT64, false).getLong();
    }

    /** ONNX Runtime's decoded outputs of {@code model} on {@code images} are {@code want}, in order. */
    static void assertDetections(ModelProto model, NDArray images, List<Detection> want) {
        try (OnnxModelRunner runner = OnnxModelRunner.of(model.toByteArray())) {
            Map<String, OnnxModelRunner.Output> out = runner.run(images.toFloatArray(), images.getShape().getShape());
            float[] boxes = out.get(DetectionOutputs.BOXES).floats();
            float[] scores = out.get(DetectionOutputs.SCORES).floats();
            long[] labels = out.get(DetectionOutputs.LABELS).longs();
            assertThat(scores).hasSize(want.size());
            assertThat(out.get(DetectionOutputs.BOXES).shape()).containsExactly(want.size(), 4);
            for (int i = 0; i < want.size(); i++) {
                Detection d = want.get(i);
                assertThat(labels[i]).as("label %d", i).isEqualTo(d.label());
                assertThat((double) scores[i]).as("score %d", i).isCloseTo(d.score(), within(1e-4));
                float[] b = {d.x1(), d.y1(), d.x2(), d.y2()};
                for (int j = 0; j < 4; j++) {
                    assertThat((double) boxes[4 * i + j]).as("box %d", i).isCloseTo(b[j], within(1e-3));
                }
            }
        }
    }

    @Test
    void aComponentWithoutExporterIsRefusedByComponentAndPlugin() {
        ResolvedConfig config = resolve(tiny("retinanet"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            DetectorBlock built = DetectorBuilder.build(config, 3, 64, Device.cpu(), m);
            // the same head as an SPI-1 plugin would give it: every default, so no exporter
            DetectorHead head = built.head();
            DetectorHead old = new DetectorHead() {
                @Override
                public String type() {
                    return head.type();
                }

                @Override
                public ai.djl.nn.Block block() {
                    return head.block();
                }

                @Override
                public List<io.hdkd.api.HeadOutput> outputs() {
                    return head.outputs();
                }

                @Override
                public io.hdkd.api.LossTerms loss(NDList raw, List<io.hdkd.api.ImageTargets> t, Shape s) {
                    return head.loss(raw, t, s);
                }

                @Override
                public List<List<Detection>> decode(NDList raw, List<ImageMeta> metas, Shape s) {
                    return head.decode(raw, metas, s);
                }
            };
            DetectorBlock detector = new DetectorBlock(built.backbone(), built.neck(), old);
            assertThatThrownBy(() -> DetectorExport.export(detector, config, categories(3),
                    LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION)),
                    new DetectorExport.Settings(17, 64, false, List.of()), "test"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("head 'retinanet' (plugin retinanet) has no ONNX export (its plugin implements no "
                            + "exporter for it)");
        }
    }

    @Test
    void badSettingsAreRefusedByName() {
        ResolvedConfig config = resolve(tiny("retinanet"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            DetectorBlock detector = DetectorBuilder.build(config, 3, 64, Device.cpu(), m);
            LoaderConfig loader = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
            assertThatThrownBy(() -> DetectorExport.export(detector, config, categories(3), loader,
                    new DetectorExport.Settings(9, 0, false, List.of()), "test"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("--opset 9");
            assertThatThrownBy(() -> DetectorExport.export(detector, config, categories(3), loader,
                    new DetectorExport.Settings(17, 0, false, List.of("p9")), "test"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("'p9'")
                    .hasMessageContaining("c2, c3, c4, c5, p3, p4, p5");
            assertThatThrownBy(() -> DetectorExport.export(detector, config, categories(3), loader,
                    new DetectorExport.Settings(17, 0, true, List.of()), "test"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("--decode needs a fixed");
        }
    }

    static Map<String, String> tiny(String head) {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("model.backbone.type", "resnet18");
        raw.put("model.backbone.width", "0.125");
        raw.put("model.neck.type", "fpn");
        raw.put("model.neck.channels", "8");
        raw.put("model.neck.levels", "p3, p4, p5");
        raw.put("model.head.type", head);
        return raw;
    }

    static ResolvedConfig resolve(Map<String, String> raw) {
        return new ConfigResolver(registry, Pipelines.schema()).resolve(raw);
    }

    static List<Category> categories(int n) {
        List<Category> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Category(i + 1, "class" + i));
        }
        return out;
    }

    /** BatchNorm statistics and affine parameters drawn at random (seeded), so folding them is exercised. */
    static void randomiseNorms(Iterable<Parameter> parameters, long seed) {
        Random rnd = new Random(seed);
        for (Parameter p : parameters) {
            String name = p.getName();
            boolean shift = name.equals("runningMean") || name.equals("beta");
            boolean scale = name.equals("runningVar") || name.equals("gamma");
            if (!shift && !scale) {
                continue;
            }
            float[] v = new float[(int) p.getArray().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = shift ? (float) (0.2 * rnd.nextGaussian()) : 0.5f + rnd.nextFloat();
            }
            p.getArray().set(v);
        }
    }

    static NDArray random(NDManager m, long seed, long... shape) {
        Random rnd = new Random(seed);
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return m.create(v, new Shape(shape));
    }

    static ModelProto model(OnnxGraphBuilder g) {
        return ModelProto.newBuilder().setIrVersion(DetectorExport.irVersion(g.opset())).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(g.opset()))
                .setGraph(g.build()).build();
    }

    /** ONNX Runtime's outputs of {@code model} on {@code images} equal {@code expected} (by name) within tolerance. */
    static void assertParity(ModelProto model, NDArray images, Map<String, NDArray> expected) {
        try (OnnxModelRunner runner = OnnxModelRunner.of(model.toByteArray())) {
            Map<String, OnnxModelRunner.Output> out = runner.run(images.toFloatArray(), images.getShape().getShape());
            assertThat(out.keySet()).containsAll(expected.keySet());
            expected.forEach((name, want) -> {
                OnnxModelRunner.Output got = out.get(name);
                assertThat(got.shape()).as("shape of %s", name).isEqualTo(want.getShape().getShape());
                assertThat(relativeError(got.floats(), want.toFloatArray())).as("relative error of %s", name)
                        .isLessThanOrEqualTo(TOLERANCE);
            });
        }
    }

    /** max |a - b| / max |b|. */
    static double relativeError(float[] got, float[] want) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }
}
