package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.stream.JsonWriter;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.pipeline.Evaluation;
import io.hdkd.core.pipeline.SavedModel;
import io.hdkd.core.predict.DetectionPainter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import io.hdkd.core.export.OnnxDetector;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd predict --run RUN | --model FILE.onnx IMAGE... --out DIR [--score 0.3] [--force]}: runs a run's trained model on images and
 * writes, per image, a PNG copy with the detections drawn ({@code DIR/<name>.png}), and all detections above the
 * score threshold in {@code DIR/detections.json}.
 *
 * <p>Images go through the same loader as evaluation (a small dataset per input folder, no augmentation), so the
 * resize and normalisation are exactly the run's.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Detect objects in images with a run's trained model; writes DIR/<name>.png with boxes, class "
                + "names and scores drawn, and DIR/detections.json."})
public final class PredictCommand implements Callable<Integer> {

    static final String DETECTIONS = "detections.json";

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    // A group so that --run, required within it, is optional here: --model is the other way to name a model.
    @ArgGroup(exclusive = false)
    ModelRunArgs run;

    @Option(names = "--model", paramLabel = "FILE", description = "A model written by hdkd export (.onnx), run by ONNX"
            + " Runtime, instead of --run.")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG images.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The output folder.")
    Path outDir;

    @Option(names = "--score", defaultValue = "0.3", paramLabel = "S",
            description = "Keep detections scoring at least this (default ${DEFAULT-VALUE}).")
    double score;

    @Mixin
    OverwritePermission overwrite;

    /** One input image: its file, the name of its output and its pixels for drawing on. */
    private record Input(Path file, String name, BufferedImage image) {}

    @Override
    public Integer call() {
        if (!(score >= 0 && score <= 1)) {
            throw new InvalidInputException("--score " + score + ": expected a number in [0, 1]");
        }
        if ((run == null) == (model == null)) {
            throw new InvalidInputException("name the model to run: --run RUN or --model FILE (one of them)");
        }
        List<Input> images = readInputs();
        for (Input in : images) {
            overwrite.check(outDir.resolve(in.name() + ".png"));
        }
        overwrite.check(outDir.resolve(DETECTIONS));

        List<CocoDetection> kept = new ArrayList<>();
        List<Category> categories;
        if (model != null) {
            try (NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                    OnnxDetector onnx = new OnnxDetector(model, PluginHost.load(spec).registry())) {
                categories = onnx.categories();
                for (DetectionDataset group : byFolder(images, categories)) {
                    for (CocoDetection d : onnx.detect(group, manager, false)) {
                        if (d.score() >= score) {
                            kept.add(d);
                        }
                    }
                }
            }
        } else {
            try (NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
                SavedModel.Loaded loaded = run.load(spec, manager);
                categories = loaded.categories();
                for (DetectionDataset group : byFolder(images, categories)) {
                    for (CocoDetection d : Evaluation.detect(loaded.detector(), group, loaded.loaderConfig(), manager,
                            false)) {
                        if (d.score() >= score) {
                            kept.add(d);
                        }
                    }
                }
            }
        }
        Map<Integer, String> names = new HashMap<>();
        categories.forEach(c -> names.put(c.cocoId(), c.name()));
        PrintWriter w = spec.commandLine().getOut();
        for (int i = 0; i < images.size(); i++) {
            Input in = images.get(i);
            long id = i + 1;
            List<CocoDetection> mine = kept.stream().filter(d -> d.imageId() == id).toList();
            BufferedImage drawn = DetectionPainter.paint(in.image(), mine, names);
            Path target = outDir.resolve(in.name() + ".png");
            AtomicFiles.write(target, out -> {
                if (!ImageIO.write(drawn, "png", out)) {
                    throw new IOException("no PNG writer");
                }
            });
            w.println(String.format(Locale.ROOT, "%s: %d detections -> %s", in.file(), mine.size(), target));
        }
        writeJson(outDir.resolve(DETECTIONS), images, kept, names);
        w.flush();
        return ExitCodes.OK;
    }

    /** Decodes every input up front, so a bad file is named before the model loads. */
    private List<Input> readInputs() {
        List<Input> out = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : inputs) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("image file not found: " + file);
            }
            BufferedImage img;
            try {
                img = ImageIO.read(file.toFile());
            } catch (IOException | RuntimeException e) {
                throw new InvalidInputException("not a readable PNG/JPEG image: " + file + " (" + e.getMessage() + ")",
                        e);
            }
            if (img == null) {
                throw new InvalidInputException("not a readable PNG/JPEG image: " + file);
            }
            String fileName = file.getFileName().toString();
            int dot = fileName.lastIndexOf('.');
            String name = dot > 0 ? fileName.substring(0, dot) : fileName;
            Path before = seen.put(name, file);
            if (before != null) {
                throw new InvalidInputException("images " + before + " and " + file + " would both be written to "
                        + outDir.resolve(name + ".png") + "; rename one");
            }
            out.add(new Input(file, name, img));
        }
        return out;
    }

    /**
     * The inputs as datasets the loader reads, one per folder (a dataset's file names are relative to its folder);
     * image ids are input positions from 1.
     */
    private static List<DetectionDataset> byFolder(List<Input> images, List<Category> categories) {
        Map<Path, List<ImageRecord>> groups = new LinkedHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            Input in = images.get(i);
            Path dir = in.file().toAbsolutePath().getParent();
            groups.computeIfAbsent(dir, k -> new ArrayList<>()).add(new ImageRecord(i + 1,
                    in.file().getFileName().toString(), in.image().getWidth(), in.image().getHeight(), List.of()));
        }
        List<DetectionDataset> out = new ArrayList<>();
        groups.forEach((dir, records) -> out.add(new DetectionDataset(dir, categories, records)));
        return out;
    }

    /** COCO results entries plus the file and class names, so the file reads without the model's categories. */
    private static void writeJson(Path file, List<Input> images, List<CocoDetection> dets, Map<Integer, String> names) {
        AtomicFiles.write(file, stream -> {
            JsonWriter json = new JsonWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            json.setIndent("  ");
            json.beginArray();
            for (CocoDetection d : dets) {
                json.beginObject();
                json.name("file_name").value(images.get((int) d.imageId() - 1).file().toString());
                json.name("image_id").value(d.imageId());
                json.name("category_id").value(d.categoryId());
                json.name("category_name").value(names.get(d.categoryId()));
                json.name("bbox").beginArray().value(d.x()).value(d.y()).value(d.width()).value(d.height()).endArray();
                json.name("score").value(d.score());
                json.endObject();
            }
            json.endArray();
            json.flush();
        });
    }
}
