package io.hdkd.core.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfigSection;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.distill.DetectorTeacher;
import io.hdkd.core.distill.Normalization;
import io.hdkd.core.distill.OnnxShapeCheck;
import io.hdkd.core.distill.OnnxTeacher;
import io.hdkd.core.distill.OnnxDetectionOutputs;
import io.hdkd.core.distill.Teacher;
import io.hdkd.core.plugin.ComponentRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code teacher.*}: the frozen teacher of a distillation run, either an hdkd run ({@code teacher.run}, its trained
 * detector on the PyTorch engine) or an ONNX model exported from any framework ({@code teacher.onnx.*}, on ONNX
 * Runtime). Exactly one of the two is set.
 */
public final class TeacherSection {

    static final String RUN = "run";
    static final String OVERRIDES = "overrides";
    static final String ONNX_PATH = "onnx.path";
    static final String ONNX_INPUT = "onnx.input";
    static final String ONNX_OUTPUTS = "onnx.outputs";
    static final String ONNX_HEAD_TYPE = "onnx.head-type";
    static final String ONNX_DETECTIONS = "onnx.detections";
    static final String ONNX_MEAN = "onnx.mean";
    static final String ONNX_STD = "onnx.std";

    public static final ConfigSection SECTION = new ConfigSection("teacher", List.of(
            OptionSpec.path(RUN, "", "An hdkd run folder (or its model/ folder): its trained detector is the teacher."),
            OptionSpec.list(OVERRIDES, "", "key=value pairs replacing keys of the teacher run's configuration when it"
                    + " is loaded, e.g. model.head.score-threshold=0.25 (decode fewer candidates for the detections"
                    + " loss); only with " + "teacher.run"),
            OptionSpec.path(ONNX_PATH, "", "An ONNX model as the teacher, run by ONNX Runtime (instead of teacher.run)."),
            OptionSpec.string(ONNX_INPUT, "images", "The ONNX graph input that takes the N x 3 x H x W image batch."),
            OptionSpec.list(ONNX_OUTPUTS, "", "ONNX outputs to tap: name:stride for feature maps (e.g. p3:8, p4:16), "
                    + "name:stride:kind for head outputs (kind e.g. class_logits_sigmoid)."),
            OptionSpec.list(ONNX_DETECTIONS, "", "ONNX outputs holding the model's detections, for the detections loss: "
                    + "boxes:NAME, scores:NAME, labels:NAME, batched ([N, K, 4], [N, K], [N, K], padded with score 0 and "
                    + "label -1) or one image per run ([K, 4], [K], [K]); see docs/SPI.md."),
            OptionSpec.string(ONNX_HEAD_TYPE, "", "Head type of the ONNX model's head outputs, if it exports any (e.g. "
                    + "retinanet); logit losses need it to equal the student's."),
            OptionSpec.list(ONNX_MEAN, "0.485,0.456,0.406", "Per-channel RGB mean (pixels in [0, 1]) the ONNX model "
                    + "expects; the student's batch is re-normalised to it."),
            OptionSpec.list(ONNX_STD, "0.229,0.224,0.225", "Per-channel RGB std (pixels in [0, 1]) the ONNX model "
                    + "expects.")));

    /**
     * An opened teacher.
     *
     * @param numClasses the classes its head predicts, or -1 when unknown (an ONNX model)
     * @param description one line saying what it is, for logs
     * @param head the teacher run's head as configured (its type and options), to build a copy of it; null for an
     *     ONNX teacher
     */
    public record Opened(Teacher teacher, int numClasses, String description, ConfiguredComponent head) {

        /** A teacher whose head cannot be rebuilt (an ONNX model). */
        public Opened(Teacher teacher, int numClasses, String description) {
            this(teacher, numClasses, description, null);
        }
    }

    private TeacherSection() {}

    /** Checks that exactly one teacher is configured, before anything is loaded or written. */
    public static void check(Options o) {
        String run = o.getString(RUN);
        String onnx = o.getString(ONNX_PATH);
        if (run.isBlank() && onnx.isBlank()) {
            throw new InvalidInputException("no teacher: set " + o.prefix() + RUN + " = RUN_DIR (an hdkd run) or "
                    + o.prefix() + ONNX_PATH + " = FILE (an ONNX model)");
        }
        if (!run.isBlank() && !onnx.isBlank()) {
            throw new InvalidInputException(o.prefix() + RUN + " and " + o.prefix() + ONNX_PATH
                    + " are both set; a distillation run has one teacher: set exactly one");
        }
        if (!onnx.isBlank() && o.getList(ONNX_OUTPUTS).isEmpty() && o.getList(ONNX_DETECTIONS).isEmpty()) {
            throw new InvalidInputException("missing " + o.prefix() + ONNX_OUTPUTS + " (or " + o.prefix() + ONNX_DETECTIONS
                    + "): name the ONNX outputs to tap "
                    + "as name:stride (e.g. p3:8, p4:16, p5:32)");
        }
    }

    /**
     * Every value of the section that can be checked without opening the teacher (SPI 2's validation pass): exactly
     * one teacher, the teacher's file or folder exists, the output list, mean and std parse.
     */
    public static void checkValues(Options o) {
        check(o);
        String run = o.getString(RUN);
        if (!run.isBlank() && !java.nio.file.Files.isDirectory(Path.of(run))) {
            throw new InvalidInputException("bad value for " + o.prefix() + RUN + ": no such folder: " + run);
        }
        String onnx = o.getString(ONNX_PATH);
        if (!onnx.isBlank()) {
            if (!java.nio.file.Files.isRegularFile(Path.of(onnx))) {
                throw new InvalidInputException("bad value for " + o.prefix() + ONNX_PATH + ": no such file: " + onnx);
            }
            for (String s : o.getList(ONNX_OUTPUTS)) {
                OnnxTeacher.OutputSpec.parse(o.prefix() + ONNX_OUTPUTS, s);
            }
            triple(o, ONNX_MEAN);
            triple(o, ONNX_STD);
        }
    }

    /** For an ONNX teacher: its declared input and output shapes against the loader (see {@link OnnxShapeCheck}). */
    public static void checkOnnxShapes(Options o, LoaderConfig loader) {
        String onnx = o.getString(ONNX_PATH);
        if (onnx.isBlank()) {
            return;
        }
        List<OnnxTeacher.OutputSpec> specs = new ArrayList<>();
        for (String s : o.getList(ONNX_OUTPUTS)) {
            specs.add(OnnxTeacher.OutputSpec.parse(o.prefix() + ONNX_OUTPUTS, s));
        }
        OnnxShapeCheck.check(Path.of(onnx), o.getString(ONNX_INPUT), specs, loader);
    }

    /**
     * Opens the configured teacher.
     *
     * @param student how the student's batches are normalised (the teacher sees the same batches)
     */
    public static Opened open(Options o, ComponentRegistry registry, LoaderConfig student, Device device) {
        check(o);
        Normalization studentNorm = normalization(student.mean(), student.std());
        String run = o.getString(RUN);
        if (!run.isBlank()) {
            return openRun(o, Path.of(run), registry, studentNorm, device);
        }
        List<OnnxTeacher.OutputSpec> specs = new ArrayList<>();
        for (String s : o.getList(ONNX_OUTPUTS)) {
            specs.add(OnnxTeacher.OutputSpec.parse(o.prefix() + ONNX_OUTPUTS, s));
        }
        Normalization teacherNorm = normalization(triple(o, ONNX_MEAN), triple(o, ONNX_STD));
        String headType = o.getString(ONNX_HEAD_TYPE).isBlank() ? null : o.getString(ONNX_HEAD_TYPE).strip();
        Path file = Path.of(o.getString(ONNX_PATH));
        OnnxDetectionOutputs detections = o.getList(ONNX_DETECTIONS).isEmpty() ? null
                : OnnxDetectionOutputs.parse(o.prefix() + ONNX_DETECTIONS, o.getList(ONNX_DETECTIONS));
        OnnxTeacher teacher = new OnnxTeacher(file, o.getString(ONNX_INPUT), specs, studentNorm, teacherNorm, headType,
                detections);
        return new Opened(teacher, -1, "ONNX model " + file + " (ONNX Runtime)");
    }

    private static Opened openRun(Options o, Path run, ComponentRegistry registry, Normalization studentNorm,
            Device device) {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            SavedModel.Loaded loaded;
            try {
                loaded = SavedModel.load(run, registry, device, manager, overrides(o));
            } catch (InvalidInputException e) {
                throw new InvalidInputException(o.prefix() + RUN + ": " + e.getMessage(), e);
            }
            // Both see the student's batch: a teacher trained on other statistics gets it re-normalised to its own.
            Normalization teacherNorm = normalization(loaded.loaderConfig().mean(), loaded.loaderConfig().std());
            String backbone = loaded.config().component(ComponentSlot.BACKBONE).map(c -> c.type()).orElse("?");
            String description = "hdkd run " + run + " (" + backbone + " + " + loaded.detector().head().type() + ")";
            return new Opened(new DetectorTeacher(loaded.detector(), manager, studentNorm, teacherNorm),
                    loaded.categories().size(), description, loaded.config().component(ComponentSlot.HEAD).orElse(null));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Map<String, String> overrides(Options o) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : o.getList(OVERRIDES)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw o.invalid(OVERRIDES, "expected key=value pairs, got '" + pair.strip() + "'");
            }
            out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return out;
    }

    private static float[] triple(Options o, String key) {
        List<String> parts = o.getList(key);
        float[] v = new float[parts.size()];
        try {
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.parseFloat(parts.get(i).strip());
            }
        } catch (NumberFormatException e) {
            throw o.invalid(key, "expected 3 numbers");
        }
        if (v.length != 3) {
            throw o.invalid(key, "expected 3 numbers (R, G, B)");
        }
        if (key.equals(ONNX_STD) && (v[0] <= 0 || v[1] <= 0 || v[2] <= 0)) {
            throw o.invalid(key, "a standard deviation must be > 0");
        }
        return v;
    }

    /** A loader's mean and std (pixels in [0, 1]) as a {@link Normalization} (0..255 units). */
    static Normalization normalization(float[] mean, float[] std) {
        float[] m = Arrays.copyOf(mean, 3);
        float[] s = Arrays.copyOf(std, 3);
        for (int c = 0; c < 3; c++) {
            m[c] *= 255f;
            s[c] *= 255f;
        }
        return new Normalization(m, s);
    }
}
