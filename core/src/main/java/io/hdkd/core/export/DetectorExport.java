package io.hdkd.core.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.export.BlockExporter;
import io.hdkd.api.export.DetectionExporter;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.api.export.OnnxGraph.Value;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.model.DetectorBlock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A trained detector as one ONNX model: input {@value DetectionOutputs#INPUT} ({@code N x 3 x H x W}, normalised as
 * the run's loader normalises), the head's raw outputs by their names (or, with decoding, the detections of
 * {@link DetectionOutputs}), optional named feature maps (taps), and the metadata an ONNX consumer needs (class names,
 * input size, normalisation, strides, head type, hdkd version, the resolved configuration).
 *
 * <p>Each component writes its own block through its {@link BlockExporter}; a component without one is refused by
 * component and plugin name.
 */
public final class DetectorExport {

    /**
     * What to export.
     *
     * @param opset the ONNX operator set
     * @param size the fixed input side, or 0 for symbolic height and width (and batch)
     * @param decode decoding to detections in the graph (one image per run)
     * @param taps feature levels (backbone or neck) to add as outputs, by name
     */
    public record Settings(int opset, int size, boolean decode, List<String> taps) {
        public Settings {
            taps = List.copyOf(taps);
        }
    }

    private DetectorExport() {}

    /** Builds the model; throws {@link InvalidInputException} for what cannot be exported, naming it. */
    public static ModelProto export(DetectorBlock detector, ResolvedConfig config, List<Category> categories,
            LoaderConfig loader, Settings settings, String hdkdVersion) {
        if (settings.opset() < OnnxGraphBuilder.MIN_OPSET || settings.opset() > OnnxGraphBuilder.MAX_OPSET) {
            throw new InvalidInputException("--opset " + settings.opset() + ": hdkd writes ONNX opsets "
                    + OnnxGraphBuilder.MIN_OPSET + " to " + OnnxGraphBuilder.MAX_OPSET);
        }
        if (settings.decode() && settings.size() <= 0) {
            throw new InvalidInputException("--decode needs a fixed input size (--size S), not --dynamic: decoding "
                    + "bakes the anchors or grid of that size into the graph");
        }
        BlockExporter backbone = exporter(detector.backbone().exporter(), config, ComponentSlot.BACKBONE);
        BlockExporter neck = detector.neck() == null ? null
                : exporter(detector.neck().exporter(), config, ComponentSlot.NECK);
        BlockExporter head = exporter(detector.head().exporter(), config, ComponentSlot.HEAD);
        DetectionExporter decoder = null;
        if (settings.decode()) {
            decoder = detector.head().detectionExporter().orElseThrow(() -> new InvalidInputException(
                    describe(config, ComponentSlot.HEAD) + " has no ONNX decoding; export without --decode (its raw "
                            + "outputs are decoded by the head named in the model's metadata)"));
        }
        Map<String, FeatureLevel> tappable = new LinkedHashMap<>();
        detector.backbone().levels().forEach(l -> tappable.put(l.name(), l));
        if (detector.neck() != null) {
            detector.neck().levels().forEach(l -> tappable.put(l.name(), l));
        }
        for (String t : settings.taps()) {
            if (!tappable.containsKey(t)) {
                throw new InvalidInputException("--taps: no feature level named '" + t + "'; this model has "
                        + String.join(", ", tappable.keySet()));
            }
        }

        OnnxGraphBuilder graph = new OnnxGraphBuilder(settings.opset(), "hdkd_detector");
        int s = settings.size();
        long[] dims = s > 0 ? new long[] {settings.decode() ? 1 : -1, 3, s, s} : new long[] {-1, 3, -1, -1};
        Value images = graph.input(DetectionOutputs.INPUT, dims, new String[] {"batch", "channels", "height", "width"});

        Map<String, Value> levels = new LinkedHashMap<>();
        List<Value> features = run(backbone, graph, List.of(images), detector.backbone().levels().size(),
                config, ComponentSlot.BACKBONE);
        put(levels, detector.backbone().levels(), features);
        List<Value> pyramid = features;
        if (neck != null) {
            pyramid = run(neck, graph, features, detector.neck().levels().size(), config, ComponentSlot.NECK);
            put(levels, detector.neck().levels(), pyramid);
        }
        List<HeadOutput> headOutputs = detector.head().outputs();
        List<Value> raw = run(head, graph, pyramid, headOutputs.size(), config, ComponentSlot.HEAD);

        Map<String, Integer> strides = new LinkedHashMap<>();
        if (decoder != null) {
            DetectionOutputs.Values d = decoder.export(graph, raw, s, s);
            graph.output(DetectionOutputs.BOXES, d.boxes(), TensorProto.DataType.FLOAT, 2);
            graph.output(DetectionOutputs.SCORES, d.scores(), TensorProto.DataType.FLOAT, 1);
            graph.output(DetectionOutputs.LABELS, d.labels(), TensorProto.DataType.INT64, 1);
        } else {
            for (int i = 0; i < headOutputs.size(); i++) {
                graph.output(headOutputs.get(i).name(), raw.get(i), TensorProto.DataType.FLOAT);
                strides.put(headOutputs.get(i).name(), headOutputs.get(i).stride());
            }
        }
        for (String t : settings.taps()) {
            graph.output(t, levels.get(t), TensorProto.DataType.FLOAT, 4);
            strides.put(t, tappable.get(t).stride());
        }

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(DetectionOutputs.CLASS_NAMES,
                new Gson().toJson(categories.stream().map(Category::name).collect(Collectors.toList())));
        meta.put(DetectionOutputs.CATEGORY_IDS,
                new Gson().toJson(categories.stream().map(Category::cocoId).collect(Collectors.toList())));
        meta.put(DetectionOutputs.INPUT_SIZE, s > 0 ? Integer.toString(s) : "dynamic");
        meta.put(DetectionOutputs.MEAN, join(loader.mean()));
        meta.put(DetectionOutputs.STD, join(loader.std()));
        JsonObject strideJson = new JsonObject();
        strides.forEach(strideJson::addProperty);
        meta.put(DetectionOutputs.STRIDES, strideJson.toString());
        meta.put(DetectionOutputs.HEAD_TYPE, detector.head().type());
        meta.put(DetectionOutputs.DECODED, Boolean.toString(settings.decode()));
        meta.put(DetectionOutputs.VERSION, hdkdVersion);
        meta.put(DetectionOutputs.CONFIG, config.toProperties());

        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(irVersion(settings.opset()))
                .setProducerName("hdkd")
                .setProducerVersion(hdkdVersion)
                .setDocString("exported by hdkd export; pixels in [0, 1] normalised with " + DetectionOutputs.MEAN
                        + "/" + DetectionOutputs.STD)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(settings.opset()))
                .setGraph(graph.build());
        meta.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    /** The IR version each opset was released with (onnx/helper.py's table), so older runtimes accept the file. */
    static long irVersion(int opset) {
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }

    private static BlockExporter exporter(Optional<BlockExporter> e, ResolvedConfig config, ComponentSlot slot) {
        return e.orElseThrow(() -> new InvalidInputException(describe(config, slot)
                + " has no ONNX export (its plugin implements no exporter for it)"));
    }

    private static List<Value> run(BlockExporter e, OnnxGraphBuilder graph, List<Value> inputs, int expected,
            ResolvedConfig config, ComponentSlot slot) {
        List<Value> out = e.export(graph, inputs);
        if (out == null || out.size() != expected) {
            throw new IllegalStateException(describe(config, slot) + " exported " + (out == null ? 0 : out.size())
                    + " outputs, its block has " + expected);
        }
        return out;
    }

    /** e.g. {@code backbone 'resnet18' (plugin resnet)}. */
    static String describe(ResolvedConfig config, ComponentSlot slot) {
        Optional<ConfiguredComponent> c = config.component(slot);
        String label = slot.kind().label();
        return c.map(cc -> label + " '" + cc.type() + "' (plugin " + cc.component().plugin().name() + ")")
                .orElse(label);
    }

    private static void put(Map<String, Value> into, List<FeatureLevel> levels, List<Value> values) {
        for (int i = 0; i < levels.size(); i++) {
            into.put(levels.get(i).name(), values.get(i));
        }
    }

    private static String join(float[] v) {
        List<String> s = new ArrayList<>();
        for (float x : v) {
            s.add(Float.toString(x));
        }
        return String.join(",", s);
    }
}
