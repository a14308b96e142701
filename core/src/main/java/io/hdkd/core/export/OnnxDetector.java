package io.hdkd.core.export;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.data.loader.DetectionLoader;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.progress.ProgressBar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model written by {@code hdkd export}, run by ONNX Runtime over a dataset as {@code Evaluation.detect} runs a saved
 * model: the same loader (resize and normalisation from the configuration in the model's metadata), one image per
 * run, zero padding up to a fixed input size (what the loader pads with). A decoded model's boxes are mapped back to
 * the image as the heads map theirs ({@code Detections.select}: divide by the resize scale, clip); a raw model's
 * outputs are decoded by the head its configuration builds.
 */
public final class OnnxDetector implements AutoCloseable {

    private final Path file;
    private final OnnxModelRunner runner;
    private final ResolvedConfig config;
    private final List<Category> categories;
    private final LoaderConfig loader;
    private final int fixedSize;
    private final boolean decoded;
    private DetectorHead head;
    private NDManager headManager;

    /** Opens an exported model; the plugins its configuration names must be loaded. */
    public OnnxDetector(Path file, ComponentRegistry registry) {
        this.file = file;
        this.runner = OnnxModelRunner.open(file);
        Map<String, String> meta = runner.metadata();
        for (String key : List.of(DetectionOutputs.CONFIG, DetectionOutputs.CLASS_NAMES, DetectionOutputs.CATEGORY_IDS,
                DetectionOutputs.INPUT_SIZE, DetectionOutputs.DECODED)) {
            if (!meta.containsKey(key)) {
                runner.close();
                throw new InvalidInputException("--model " + file + " has no metadata " + key + "; hdkd runs models "
                        + "written by hdkd export (other ONNX models can be teachers: teacher.onnx.*)");
            }
        }
        this.config = new ConfigResolver(registry, Pipelines.schema()).resolve(readProperties(meta.get(
                DetectionOutputs.CONFIG)));
        JsonArray names = new Gson().fromJson(meta.get(DetectionOutputs.CLASS_NAMES), JsonArray.class);
        JsonArray ids = new Gson().fromJson(meta.get(DetectionOutputs.CATEGORY_IDS), JsonArray.class);
        List<Category> cats = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            cats.add(new Category(ids.get(i).getAsInt(), names.get(i).getAsString()));
        }
        this.categories = List.copyOf(cats);
        this.loader = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        String size = meta.get(DetectionOutputs.INPUT_SIZE);
        this.fixedSize = size.equals("dynamic") ? 0 : Integer.parseInt(size);
        this.decoded = Boolean.parseBoolean(meta.get(DetectionOutputs.DECODED));
    }

    /** The configuration text through the same reader as configuration files (its escaping is that reader's). */
    private static Map<String, String> readProperties(String text) {
        try {
            Path tmp = Files.createTempFile("hdkd-model-config", ".properties");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                return ConfigFiles.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Category> categories() {
        return categories;
    }

    public LoaderConfig loaderConfig() {
        return loader;
    }

    public ResolvedConfig config() {
        return config;
    }

    /** Detections on every image of {@code dataset}, in original image pixels, as COCO results. */
    public List<CocoDetection> detect(DetectionDataset dataset, NDManager manager, boolean showProgress) {
        LoaderConfig one = new LoaderConfig(loader.resizeMode(), loader.size(), loader.minSize(), loader.maxSize(),
                loader.sizeDivisor(), 1, loader.workers(), loader.prefetch(), false, false, loader.seed(),
                loader.mean(), loader.std());
        List<CocoDetection> dets = new ArrayList<>();
        try (NDManager scope = manager.newSubManager();
                DetectionLoader data = new DetectionLoader(dataset, AugmentConfig.NONE, one);
                ProgressBar bar = showProgress ? ProgressBar.stderr("eval", dataset.images().size(), "img") : null) {
            var it = data.epoch(0, scope);
            while (it.hasNext()) {
                try (DetectionBatch batch = it.next()) {
                    NDArray images = padded(batch.images());
                    ImageMeta meta = batch.metas().get(0);
                    List<Detection> found = detect(images.toFloatArray(), images.getShape().getShape(),
                            batch.metas(), batch.manager()).get(0);
                    for (Detection d : found) {
                        dets.add(CocoDetection.of(meta.imageId(), d, dataset.categories()));
                    }
                    if (bar != null) {
                        bar.step(1);
                    }
                }
            }
        }
        return dets;
    }

    /**
     * One run of the model on a prepared batch ({@code N x 3 x H x W}, normalised and padded to the model's input
     * size), and its detections per image in original image pixels ({@code metas}' scales): a decoded model's boxes
     * mapped back, a raw model's outputs decoded by the head its configuration builds (arrays in {@code manager}).
     * This is {@code eval --model}'s step; {@code bench predict --model} times it.
     */
    public List<List<Detection>> detect(float[] images, long[] shape, List<ImageMeta> metas, NDManager manager) {
        if (metas.size() != shape[0]) {
            throw new IllegalArgumentException(metas.size() + " image metas for a batch of " + shape[0]);
        }
        Map<String, OnnxModelRunner.Output> out = runner.run(images, shape);
        if (decoded) {
            if (metas.size() != 1) {
                throw new IllegalArgumentException("a decoded export takes one image per run, got " + metas.size());
            }
            return List.of(mapBack(out, metas.get(0)));
        }
        DetectorHead head = head();
        return head.decode(rawOutputs(out, head, manager), metas, new Shape(shape[2], shape[3]));
    }

    /** Whether the model decodes in its graph ({@code hdkd export --decode}). */
    public boolean decoded() {
        return decoded;
    }

    /** The fixed input side, or 0 for a {@code --dynamic} export. */
    public int fixedSize() {
        return fixedSize;
    }

    /** The head the model's configuration builds (its weights are not needed: decoding has none), built once. */
    private DetectorHead head() {
        if (head == null) {
            headManager = NDManager.newBaseManager(Device.cpu());
            DetectorBlock detector = DetectorBuilder.build(config, categories.size(), loader.size(), Device.cpu(),
                    headManager);
            head = detector.head();
        }
        return head;
    }

    /** Zero-pads a batch at the bottom and right up to a fixed input size, as the loader pads. */
    private NDArray padded(NDArray images) {
        if (fixedSize <= 0) {
            return images;
        }
        Shape s = images.getShape();
        if (s.get(2) > fixedSize || s.get(3) > fixedSize) {
            throw new InvalidInputException("--model " + file + " takes " + fixedSize + "x" + fixedSize + " inputs, but"
                    + " the loader made a " + s.get(2) + "x" + s.get(3) + " one (data.loader in its metadata); export"
                    + " with a larger --size or --dynamic");
        }
        if (s.get(2) == fixedSize && s.get(3) == fixedSize) {
            return images;
        }
        NDArray out = images.getManager().zeros(new Shape(s.get(0), s.get(1), fixedSize, fixedSize));
        out.set(new ai.djl.ndarray.index.NDIndex(":, :, :{}, :{}", s.get(2), s.get(3)), images);
        return out;
    }

    private static NDList rawOutputs(Map<String, OnnxModelRunner.Output> out, DetectorHead head, NDManager manager) {
        NDList raw = new NDList();
        for (HeadOutput o : head.outputs()) {
            OnnxModelRunner.Output v = out.get(o.name());
            if (v == null || v.floats() == null) {
                throw new InvalidInputException("the model has no float output " + o.name() + " that its head ("
                        + head.type() + ") decodes; its outputs are " + out.keySet());
            }
            raw.add(manager.create(v.floats(), new Shape(v.shape())));
        }
        return raw;
    }

    /** Boxes in network-input pixels back to the image: divide by the resize scale, clip to the image. */
    private static List<Detection> mapBack(Map<String, OnnxModelRunner.Output> out, ImageMeta meta) {
        float[] boxes = out.get(DetectionOutputs.BOXES).floats();
        float[] scores = out.get(DetectionOutputs.SCORES).floats();
        long[] labels = out.get(DetectionOutputs.LABELS).longs();
        List<Detection> found = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] < 0) {
                continue;
            }
            found.add(new Detection((int) labels[i], scores[i],
                    clip(boxes[4 * i] / meta.scaleX(), meta.width()), clip(boxes[4 * i + 1] / meta.scaleY(), meta.height()),
                    clip(boxes[4 * i + 2] / meta.scaleX(), meta.width()),
                    clip(boxes[4 * i + 3] / meta.scaleY(), meta.height())));
        }
        return found;
    }

    private static float clip(float v, float max) {
        return Math.min(Math.max(v, 0f), max);
    }

    @Override
    public void close() {
        runner.close();
        if (headManager != null) {
            headManager.close();
        }
    }
}
