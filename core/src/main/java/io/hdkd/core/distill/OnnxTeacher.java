package io.hdkd.core.distill;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OutputKind;
import io.hdkd.api.Taps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import java.util.Locale;
import java.util.Map;

/**
 * A teacher exported to ONNX from any framework, run by DJL's ONNX Runtime engine. The configuration maps the
 * model's input name and its output names to taps ({@code p3:8, p4:16, ...}: name and stride for features; head
 * outputs as {@code name:stride:kind}). Everything is checked against the model's own metadata when it is opened, and
 * each output's stride against the arrays of the first batch, with one-line errors naming the output.
 */
public final class OnnxTeacher implements Teacher {

    /** One mapped output: its name in the ONNX graph, stride, and kind (null for a feature map). */
    public record OutputSpec(String name, int stride, OutputKind kind) {

        /** Parses {@code name:stride} or {@code name:stride:kind} (kind as {@link OutputKind}, any case). */
        public static OutputSpec parse(String key, String text) {
            String[] parts = text.trim().split(":");
            if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
                throw new InvalidInputException("bad value for " + key + ": expected name:stride or name:stride:kind, got '"
                        + text.trim() + "'");
            }
            int stride;
            try {
                stride = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                stride = -1;
            }
            if (stride < 1) {
                throw new InvalidInputException("bad value for " + key + ": stride of output " + parts[0].trim()
                        + " must be a positive integer, got '" + parts[1].trim() + "'");
            }
            OutputKind kind = null;
            if (parts.length == 3) {
                try {
                    kind = OutputKind.valueOf(parts[2].trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("bad value for " + key + ": kind of output " + parts[0].trim()
                            + " must be one of " + java.util.Arrays.toString(OutputKind.values()) + ", got '"
                            + parts[2].trim() + "'");
                }
            }
            return new OutputSpec(parts[0].trim(), stride, kind);
        }
    }

    private final Path file;
    private final String inputName;
    private final List<OutputSpec> specs;
    private final Normalization studentNorm;
    private final Normalization teacherNorm;
    private final Model model;
    private final Block block;
    private final List<FeatureLevel> levels;
    private final List<HeadOutput> outputs;
    private final String headType;
    private boolean stridesChecked;
    /** The detection outputs, or null when the model gives none. */
    private OnnxDetectionOutputs detectionOutputs;
    /** True when the model takes one image (batch 1, or one image's detection outputs): it runs image by image. */
    private boolean singleImage;
    /** The last forward pass's detections per image, in the caller's manager. */
    private List<ImageTargets> lastDetections = List.of();

    /**
     * Opens and checks the model.
     *
     * @param file the .onnx file
     * @param inputName the graph input that takes the image batch
     * @param specs the outputs to take, in tap order
     * @param studentNorm how the student's input is normalised
     * @param teacherNorm how the teacher expects its input normalised
     * @param headType the teacher head's type if it exports head outputs (e.g. {@code retinanet}), else null
     */
    public OnnxTeacher(Path file, String inputName, List<OutputSpec> specs, Normalization studentNorm,
            Normalization teacherNorm, String headType) {
        this(file, inputName, specs, studentNorm, teacherNorm, headType, null);
    }

    /**
     * Opens and checks the model; with {@code detections}, it also gives the teacher's detections (and may then tap
     * no feature output at all).
     */
    public OnnxTeacher(Path file, String inputName, List<OutputSpec> specs, Normalization studentNorm,
            Normalization teacherNorm, String headType, OnnxDetectionOutputs detections) {
        this.file = file;
        this.inputName = inputName;
        this.specs = List.copyOf(specs);
        this.studentNorm = studentNorm;
        this.teacherNorm = teacherNorm;
        this.headType = headType;
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("teacher.onnx.path: no such file: " + file);
        }
        if (specs.isEmpty() && detections == null) {
            throw new InvalidInputException("teacher.onnx.outputs: name at least one output (name:stride)");
        }
        this.detectionOutputs = detections;
        Map<String, Long> channels = checkAgainstGraph();
        List<FeatureLevel> lv = new ArrayList<>();
        List<HeadOutput> outs = new ArrayList<>();
        for (OutputSpec s : specs) {
            if (s.kind() == null) {
                long c = channels.get(s.name());
                if (c < 1) {
                    throw new InvalidInputException("teacher.onnx.outputs: output " + s.name() + " of " + file.getFileName()
                            + " has a dynamic channel dimension; hdkd needs a fixed channel count to size adapters");
                }
                lv.add(new FeatureLevel(s.name(), s.stride(), (int) c));
            } else {
                outs.add(new HeadOutput(s.name(), s.kind(), s.stride()));
            }
        }
        this.levels = List.copyOf(lv);
        this.outputs = List.copyOf(outs);
        try {
            model = Model.newInstance("teacher", Device.cpu(), "OnnxRuntime");
            model.load(file.toAbsolutePath().getParent(), file.getFileName().toString());
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new InvalidInputException("teacher.onnx.path: cannot load " + file + ": " + e.getMessage(), e);
        }
        block = model.getBlock();
    }

    /**
     * Checks the detection outputs against the graph: boxes of rank 3 ({@code [N, K, 4]}, batched) or rank 2
     * ({@code [K, 4]}, one image per run); returns true for the latter (the teacher then runs image by image).
     */
    private boolean oneImageDetections(Map<String, NodeInfo> outs) {
        int[] ranks = new int[3];
        for (int i = 0; i < 3; i++) {
            String name = detectionOutputs.names().get(i);
            NodeInfo info = outs.get(name);
            if (info == null) {
                throw new InvalidInputException("teacher.onnx.detections: " + file.getFileName() + " has no output"
                        + " named '" + name + "'; its outputs are " + outs.keySet());
            }
            ranks[i] = ((TensorInfo) info.getInfo()).getShape().length;
        }
        boolean batched = ranks[0] == 3 && ranks[1] == 2 && ranks[2] == 2;
        boolean single = ranks[0] == 2 && ranks[1] == 1 && ranks[2] == 1;
        if (!batched && !single) {
            throw new InvalidInputException("teacher.onnx.detections: boxes, scores and labels of "
                    + file.getFileName() + " have ranks " + java.util.Arrays.toString(ranks) + "; expected [N, K, 4],"
                    + " [N, K], [N, K] (a batch) or [K, 4], [K], [K] (one image)");
        }
        return single;
    }

    @Override
    public boolean givesDetections() {
        return detectionOutputs != null;
    }

    /** What the last {@link #forward} read from the detection outputs (scores 0 and labels -1 are padding). */
    @Override
    public List<ImageTargets> detections(Taps taps, Shape inputShape) {
        if (detectionOutputs == null) {
            return Teacher.super.detections(taps, inputShape);
        }
        return lastDetections;
    }

    /** Reads the graph's inputs and outputs; returns each mapped output's channel count (-1 if dynamic). */
    private Map<String, Long> checkAgainstGraph() {
        // DJL's engine creates the process-wide ORT environment with its thread settings; it must come first.
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(file.toString(), options)) {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (!inputs.containsKey(inputName)) {
                throw new InvalidInputException("teacher.onnx.input: " + file.getFileName() + " has no input named '"
                        + inputName + "'; its inputs are " + inputs.keySet());
            }
            long[] inShape = ((TensorInfo) inputs.get(inputName).getInfo()).getShape();
            // A model that takes exactly one image runs image by image.
            singleImage = inShape.length == 4 && inShape[0] == 1;
            if (inShape.length != 4 || (inShape[1] > 0 && inShape[1] != 3)) {
                throw new InvalidInputException("teacher.onnx.input: input '" + inputName + "' of " + file.getFileName()
                        + " must be N x 3 x H x W, the model declares " + java.util.Arrays.toString(inShape));
            }
            Map<String, NodeInfo> outs = session.getOutputInfo();
            if (detectionOutputs != null && oneImageDetections(outs)) {
                singleImage = true;
            }
            Map<String, Long> channels = new LinkedHashMap<>();
            for (OutputSpec s : specs) {
                NodeInfo info = outs.get(s.name());
                if (info == null) {
                    throw new InvalidInputException("teacher.onnx.outputs: " + file.getFileName() + " has no output named '"
                            + s.name() + "'; its outputs are " + outs.keySet());
                }
                long[] shape = ((TensorInfo) info.getInfo()).getShape();
                if (s.kind() == null && shape.length != 4) {
                    throw new InvalidInputException("teacher.onnx.outputs: output " + s.name() + " has rank " + shape.length
                            + " (shape " + java.util.Arrays.toString(shape) + "); a feature tap must be N x C x H x W");
                }
                channels.put(s.name(), shape.length > 1 ? shape[1] : -1);
            }
            return channels;
        } catch (OrtException e) {
            throw new InvalidInputException("teacher.onnx.path: ONNX Runtime cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Taps forward(NDArray images) {
        NDManager manager = images.getManager();
        NDArray x = studentNorm.convert(images, teacherNorm);
        Map<String, NDArray> byName = new LinkedHashMap<>();
        if (singleImage) {
            // A one-image model: run it per image, stack the feature outputs, keep each image's detections.
            long n = x.getShape().get(0);
            Map<String, NDList> perImage = new LinkedHashMap<>();
            List<ImageTargets> detections = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                Map<String, NDArray> one = run(x.get(i + ":" + (i + 1)), manager);
                one.forEach((k, v) -> perImage.computeIfAbsent(k, key -> new NDList()).add(v));
                if (detectionOutputs != null) {
                    boolean batchedOutputs = one.get(detectionOutputs.boxes()).getShape().dimension() == 3;
                    detections.add(imageDetections(one, manager, batchedOutputs ? 0 : -1));
                }
            }
            perImage.forEach((k, v) -> byName.put(k, detectionOutputs != null && detectionOutputs.names().contains(k)
                    ? v.get(0) : ai.djl.ndarray.NDArrays.concat(v, 0)));
            lastDetections = List.copyOf(detections);
        } else {
            byName.putAll(run(x, manager));
            if (detectionOutputs != null) {
                List<ImageTargets> detections = new ArrayList<>();
                for (int i = 0; i < x.getShape().get(0); i++) {
                    detections.add(imageDetections(byName, manager, i));
                }
                lastDetections = List.copyOf(detections);
            }
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, Integer> strides = new LinkedHashMap<>();
        long h = images.getShape().get(2);
        long w = images.getShape().get(3);
        for (OutputSpec s : specs) {
            NDArray a = byName.get(s.name());
            if (a == null) {
                throw new IllegalStateException("ONNX Runtime returned no output " + s.name() + "; got " + byName.keySet());
            }
            NDArray local = a;
            if (!stridesChecked && s.kind() == null) {
                long oh = local.getShape().get(2);
                long ow = local.getShape().get(3);
                if (oh != ceilDiv(h, s.stride()) || ow != ceilDiv(w, s.stride())) {
                    throw new InvalidInputException("teacher.onnx.outputs: output " + s.name() + " is " + oh + "x" + ow
                            + " for a " + h + "x" + w + " input, which is not stride " + s.stride() + " (expected "
                            + ceilDiv(h, s.stride()) + "x" + ceilDiv(w, s.stride()) + ")");
                }
            }
            arrays.put(s.name(), local);
            strides.put(s.name(), s.stride());
        }
        stridesChecked = true;
        return new Taps(arrays, strides);
    }

    /** One run of the model, every output brought into the caller's manager and engine, by output name. */
    private Map<String, NDArray> run(NDArray x, NDManager manager) {
        x.setName(inputName);
        NDList raw = block.forward(new ParameterStore(manager, false), new NDList(x), false);
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray a : raw) {
            // Bring the result into the caller's engine and manager: arithmetic on ORT arrays falls back anyway.
            byName.put(a.getName(), manager.from(a));
        }
        return byName;
    }

    /**
     * Image {@code i}'s detections ({@code i < 0}: the outputs are one image's) as scored targets, padding rows
     * (score 0 or label below 0) dropped.
     */
    private ImageTargets imageDetections(Map<String, NDArray> outputs, NDManager manager, int i) {
        NDArray boxes = outputs.get(detectionOutputs.boxes());
        NDArray scores = outputs.get(detectionOutputs.scores());
        NDArray labels = outputs.get(detectionOutputs.labels());
        if (i >= 0) {
            boxes = boxes.get(i);
            scores = scores.get(i);
            labels = labels.get(i);
        }
        float[] b = boxes.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] s = scores.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        long[] l = labels.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        List<io.hdkd.api.Detection> kept = new ArrayList<>();
        for (int k = 0; k < s.length; k++) {
            if (s[k] > 0 && l[k] >= 0) {
                kept.add(new io.hdkd.api.Detection((int) l[k], s[k], b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]));
            }
        }
        return TeacherDetections.toTargets(kept, manager);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public List<FeatureLevel> levels() {
        return levels;
    }

    @Override
    public List<HeadOutput> outputs() {
        return outputs;
    }

    @Override
    public String headType() {
        return headType;
    }

    @Override
    public void close() {
        model.close();
    }
}
