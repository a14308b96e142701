package io.hdkd.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.coco.CocoReader;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.distill.OnnxShapeCheck;
import io.hdkd.core.distill.OnnxTeacher;
import io.hdkd.core.eval.CocoResults;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.train.Checkpoints;
import io.hdkd.core.train.optim.Sgd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fuzz targets: each feeds one input to a reader and accepts only a valid result or a clean refusal
 * ({@link InvalidInputException}, which the command line turns into exit 2). Anything else thrown (a
 * NullPointerException, an UncheckedIOException, an OutOfMemoryError, ...) fails the property. Shared by the jqwik
 * properties ({@link ReaderFuzzTest}) and the corpus regression test.
 */
final class FuzzTargets {

    /** What a target did with an input, for jqwik's statistics. */
    enum Outcome {
        VALID,
        REFUSED
    }

    /** The six targets, as {@link #named} and the corpus folders name them. */
    static final List<String> NAMES = List.of("coco", "detections", "config", "sets", "checkpoint", "onnx-shapes");

    private static ComponentRegistry registry;

    private FuzzTargets() {}

    static synchronized ComponentRegistry registry() {
        if (registry == null) {
            registry = PluginManager.fromClasspath().registry();
        }
        return registry;
    }

    interface Target {
        void run(byte[] input, Path scratch) throws IOException;
    }

    /**
     * Runs a target; a clean refusal is the documented one: an {@link InvalidInputException} whose message is one
     * non-blank line (the launcher prints it as {@code hdkd: error: ...}).
     */
    static Outcome outcome(Target target, byte[] input, Path scratch) {
        try {
            target.run(input, scratch);
            return Outcome.VALID;
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).as("a refusal says what is wrong").isNotBlank();
            assertThat(e.getMessage()).as("a refusal is one line").doesNotContain("\n").doesNotContain("\r");
            return Outcome.REFUSED;
        } catch (IOException e) {
            throw new UncheckedIOException("the fuzz harness itself failed", e);
        }
    }

    static Target named(String name) {
        return switch (name) {
            case "coco" -> FuzzTargets::coco;
            case "detections" -> FuzzTargets::detections;
            case "config" -> FuzzTargets::config;
            case "sets" -> FuzzTargets::sets;
            case "checkpoint" -> FuzzTargets::checkpoint;
            case "onnx-shapes" -> FuzzTargets::onnxShapes;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A COCO instances file, read strictly, with clipping and images checked, and in check mode. */
    static void coco(byte[] input, Path scratch) throws IOException {
        Path images = scratch.resolve("images");
        Files.createDirectories(images);
        writeImage(images.resolve("a.png"), 8, 6);
        writeImage(images.resolve("b.png"), 5, 5);
        Path file = scratch.resolve("instances.json");
        Files.write(file, input);
        List<String> problems = CocoReader.check(file, images).problems();
        assertThat(problems).as("check mode prints one problem a line").allSatisfy(
                p -> assertThat(p).isNotBlank().doesNotContain("\n").doesNotContain("\r"));
        boolean strictOk = false;
        try {
            var r = CocoReader.read(file, images, CocoReader.Options.STRICT);
            strictOk = true;
            assertThat(r.dataset().images()).allSatisfy(i -> assertThat(i.width()).isPositive());
        } catch (InvalidInputException e) {
            // a refusal is fine
        }
        CocoReader.read(file, images, new CocoReader.Options(BoxPolicy.CLIP, true));
        if (strictOk && problems.isEmpty()) {
            assertThat(CocoReader.read(file, images, CocoReader.Options.FOR_EVALUATION).dataset()).isNotNull();
        }
    }

    private static void writeImage(Path file, int w, int h) throws IOException {
        if (!Files.exists(file)) {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB),
                    "png", file.toFile());
        }
    }

    /** A detections file of {@code hdkd eval-coco}. */
    static void detections(byte[] input, Path scratch) throws IOException {
        Path file = scratch.resolve("dets.json");
        Files.write(file, input);
        CocoResults.read(file).forEach(d -> assertThat(Double.isFinite(d.score())).isTrue());
    }

    /**
     * A configuration file, resolved against the built-in plugins; a configuration that resolves must print to
     * properties that read back to the same configuration.
     */
    static void config(byte[] input, Path scratch) throws IOException {
        Path file = scratch.resolve("c.properties");
        Files.write(file, input);
        Map<String, String> raw = ConfigFiles.read(file);
        ResolvedConfig resolved = new ConfigResolver(registry(), Pipelines.schema()).resolve(raw);
        Path back = scratch.resolve("back.properties");
        Files.writeString(back, resolved.toProperties(), StandardCharsets.UTF_8);
        ResolvedConfig again = new ConfigResolver(registry(), Pipelines.schema()).resolve(ConfigFiles.read(back));
        assertThat(again.asMap()).isEqualTo(resolved.asMap());
    }

    /** {@code --set} arguments, one per line of the input, then resolved. */
    static void sets(byte[] input, Path scratch) {
        List<String> args = new ArrayList<>(List.of(new String(input, StandardCharsets.UTF_8).split("\n", -1)));
        Map<String, String> parsed = ConfigFiles.overrides(args);
        new ConfigResolver(registry(), Pipelines.schema()).resolve(new LinkedHashMap<>(parsed));
    }

    /** Separates the four files of a checkpoint input. */
    static final byte[] SEPARATOR = "#@#@".getBytes(StandardCharsets.US_ASCII);

    /**
     * A checkpoint folder whose files come from the input: {@code latest}, {@code state.json}, {@code model.params}
     * and {@code optimizer.ndlist}, separated by {@link #SEPARATOR} (missing ones are empty), loaded into a small
     * model.
     */
    static void checkpoint(byte[] input, Path scratch) throws IOException {
        Path run = scratch.resolve("run");
        Path ckpt = run.resolve("checkpoints/ckpt-00000001");
        Files.createDirectories(ckpt);
        List<byte[]> parts = split(input);
        Files.write(run.resolve("checkpoints/latest"), parts.get(0));
        Files.write(ckpt.resolve("state.json"), parts.get(1));
        Files.write(ckpt.resolve("model.params"), parts.get(2));
        Files.write(ckpt.resolve("optimizer.ndlist"), parts.get(3));
        Checkpoints ckpts = new Checkpoints(run, 2);
        List<String> warnings = new ArrayList<>();
        ckpts.candidates(warnings);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Linear.builder().setUnits(2).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            Checkpoints.load(ckpt, block, new Sgd(0.9f, 0f, manager), manager);
        }
    }

    static List<byte[]> split(byte[] input) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + SEPARATOR.length <= input.length && parts.size() < 3; i++) {
            if (java.util.Arrays.equals(input, i, i + SEPARATOR.length, SEPARATOR, 0, SEPARATOR.length)) {
                parts.add(java.util.Arrays.copyOfRange(input, start, i));
                start = i + SEPARATOR.length;
                i = start - 1;
            }
        }
        parts.add(java.util.Arrays.copyOfRange(input, start, input.length));
        while (parts.size() < 4) {
            parts.add(new byte[0]);
        }
        return parts;
    }

    /**
     * An ONNX teacher's Java-side checks: the output list parsed as {@code teacher.onnx.outputs}, then declared
     * shapes (from the input's bytes) checked against a loader. The native part (loading a model) is not fuzzed here.
     */
    static void onnxShapes(byte[] input, Path scratch) {
        String text = new String(input, StandardCharsets.UTF_8);
        String[] parts = text.split("\\|", 2);
        List<OnnxTeacher.OutputSpec> specs = new ArrayList<>();
        for (String s : parts[0].split(",")) {
            specs.add(OnnxTeacher.OutputSpec.parse("teacher.onnx.outputs", s));
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(java.util.Arrays.hashCode(input));
        Map<String, long[]> inputs = new LinkedHashMap<>();
        inputs.put("images", r.nextInt(4) == 0 ? null : shape(r));
        Map<String, long[]> outputs = new LinkedHashMap<>();
        for (OnnxTeacher.OutputSpec s : specs) {
            if (r.nextInt(5) > 0) {
                outputs.put(s.name(), r.nextInt(6) == 0 ? null : shape(r));
            }
        }
        LoaderConfig loader = LoaderConfig.longerSide(1 + r.nextInt(2048), 1 + r.nextInt(16), 1, false, 0);
        String inputName = parts.length > 1 ? parts[1] : "images";
        List<String> problems = OnnxShapeCheck.problems("m.onnx", inputs, outputs, inputName, specs, loader);
        assertThat(problems).allSatisfy(p -> assertThat(p).isNotBlank().doesNotContain("\n"));
    }

    private static long[] shape(java.util.SplittableRandom r) {
        long[] s = new long[r.nextInt(6)];
        for (int i = 0; i < s.length; i++) {
            int k = r.nextInt(5);
            s[i] = k == 0 ? -1 : k == 1 ? 0 : k == 2 ? Long.MAX_VALUE - r.nextInt(3) : 1 + r.nextInt(600);
        }
        return s;
    }
}
