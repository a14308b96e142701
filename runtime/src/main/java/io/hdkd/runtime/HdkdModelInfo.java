package io.hdkd.runtime;

import ai.djl.Model;
import ai.djl.MalformedModelException;
import ai.djl.nn.Block;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What a program needs to know about a model written by {@code hdkd export --decode}, read from the ONNX file's
 * {@code metadata_props}: class names, the fixed input size, the normalisation, and how the run's loader resized
 * images (from the run's configuration in {@value #CONFIG}), so that boxes map back to the original image exactly as
 * {@code hdkd predict} maps them.
 *
 * @param source where the metadata came from (the file), for messages
 * @param classNames class names in label order
 * @param categoryIds the COCO category id of each class, in label order
 * @param inputSize the side of the square network input
 * @param mean per-channel RGB mean of pixels in {@code [0, 1]}
 * @param std per-channel RGB standard deviation
 * @param resize the loader's resize rule
 * @param headType the detector head ({@code retinanet}, ...)
 * @param version the hdkd version that exported the model
 */
public record HdkdModelInfo(String source, List<String> classNames, List<Integer> categoryIds, int inputSize,
        float[] mean, float[] std, Resize resize, String headType, String version) {

    // The names of hdkd's ONNX format (io.hdkd.api.export.DetectionOutputs, docs/EXPORT.md); copied, not shared, so
    // that this artifact does not pull in hdkd's plugin API. A test keeps the two equal.
    public static final String INPUT = "images";
    public static final String BOXES = "boxes";
    public static final String SCORES = "scores";
    public static final String LABELS = "labels";
    public static final String CLASS_NAMES = "hdkd.class_names";
    public static final String CATEGORY_IDS = "hdkd.category_ids";
    public static final String INPUT_SIZE = "hdkd.input_size";
    public static final String MEAN = "hdkd.mean";
    public static final String STD = "hdkd.std";
    public static final String HEAD_TYPE = "hdkd.head_type";
    public static final String DECODED = "hdkd.decoded";
    public static final String VERSION = "hdkd.version";
    public static final String CONFIG = "hdkd.config";

    /** The configuration keys of the run's loader that decide the resize. */
    static final String LOADER = "data.loader.";

    /**
     * How the run's loader resized an image before the network (aspect ratio kept, then zero padding at the bottom and
     * right up to the input size).
     *
     * @param longer true: the longer side becomes {@code size}; false: the shorter side becomes {@code minSize}, the
     *     longer capped at {@code maxSize}
     */
    public record Resize(boolean longer, int size, int minSize, int maxSize) {

        /** The scale hdkd's loader resizes a {@code width x height} image by (LoaderConfig.scaleFor). */
        public double scaleFor(int width, int height) {
            if (longer) {
                return (double) size / Math.max(width, height);
            }
            double s = (double) minSize / Math.min(width, height);
            if (Math.max(width, height) * s > maxSize) {
                s = (double) maxSize / Math.max(width, height);
            }
            return s;
        }
    }

    public HdkdModelInfo {
        classNames = List.copyOf(classNames);
        categoryIds = List.copyOf(categoryIds);
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** The metadata of a model DJL loaded on ONNX Runtime. */
    public static HdkdModelInfo of(Model model, String source) throws MalformedModelException {
        Block block = model.getBlock();
        if (!(block instanceof OrtSymbolBlock ort)) {
            throw new MalformedModelException(source + ": expected a model loaded by DJL's OnnxRuntime engine, got "
                    + (block == null ? "no block" : block.getClass().getName()) + " (engine "
                    + model.getNDManager().getEngine().getEngineName() + ")");
        }
        return fromMetadata(ort.getCustomMetadata(), source);
    }

    /**
     * Reads and checks an hdkd export's metadata.
     *
     * @throws MalformedModelException naming {@code source} and what is missing, for a model hdkd did not export, a
     *     raw (undecoded) export, or unreadable values
     */
    public static HdkdModelInfo fromMetadata(Map<String, String> meta, String source) throws MalformedModelException {
        if (!meta.containsKey(CLASS_NAMES) || !meta.containsKey(DECODED)) {
            throw new MalformedModelException(source + " has no hdkd metadata (" + CLASS_NAMES + ", " + DECODED
                    + "); expected a model written by 'hdkd export --decode'" + (meta.isEmpty() ? ""
                    : " (its metadata keys: " + meta.keySet() + ")"));
        }
        if (!Boolean.parseBoolean(meta.get(DECODED))) {
            throw new MalformedModelException(source + " is a raw export (" + DECODED + "=" + meta.get(DECODED)
                    + ": head outputs, no boxes); expected the decoded format with outputs " + BOXES + ", " + SCORES
                    + ", " + LABELS + ": export it again with 'hdkd export --decode'");
        }
        for (String key : List.of(CATEGORY_IDS, INPUT_SIZE, MEAN, STD, CONFIG)) {
            if (!meta.containsKey(key)) {
                throw new MalformedModelException(source + " has no metadata " + key + "; expected every key 'hdkd "
                        + "export --decode' writes (docs/EXPORT.md)");
            }
        }
        List<String> names = new ArrayList<>();
        for (JsonElement e : jsonArray(meta, CLASS_NAMES, source)) {
            names.add(e.getAsString());
        }
        List<Integer> ids = new ArrayList<>();
        for (JsonElement e : jsonArray(meta, CATEGORY_IDS, source)) {
            ids.add(e.getAsInt());
        }
        if (names.isEmpty() || ids.size() != names.size()) {
            throw new MalformedModelException(source + ": " + CLASS_NAMES + " has " + names.size() + " names and "
                    + CATEGORY_IDS + " " + ids.size() + " ids; expected the same number, at least one");
        }
        int size;
        try {
            size = Integer.parseInt(meta.get(INPUT_SIZE).trim());
        } catch (NumberFormatException e) {
            throw new MalformedModelException(source + ": " + INPUT_SIZE + " is '" + meta.get(INPUT_SIZE)
                    + "'; expected a fixed size (decoded exports have one)");
        }
        Properties config = new Properties();
        try {
            config.load(new StringReader(meta.get(CONFIG)));
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedModelException(source + ": " + CONFIG + " is not properties text: " + e.getMessage());
        }
        String mode = config.getProperty(LOADER + "resize", "").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("longer") && !mode.equals("shorter")) {
            throw new MalformedModelException(source + ": the configuration in " + CONFIG + " has " + LOADER
                    + "resize = '" + mode + "'; expected longer or shorter");
        }
        Resize resize = new Resize(mode.equals("longer"), positive(config, "size", source),
                positive(config, "min-size", source), positive(config, "max-size", source));
        return new HdkdModelInfo(source, names, ids, size, triple(meta, MEAN, source), triple(meta, STD, source),
                resize, meta.getOrDefault(HEAD_TYPE, "?"), meta.getOrDefault(VERSION, "?"));
    }

    private static JsonArray jsonArray(Map<String, String> meta, String key, String source)
            throws MalformedModelException {
        try {
            return JsonParser.parseString(meta.get(key)).getAsJsonArray();
        } catch (JsonParseException | IllegalStateException e) {
            throw new MalformedModelException(source + ": " + key + " is '" + meta.get(key)
                    + "'; expected a JSON array");
        }
    }

    private static int positive(Properties config, String key, String source) throws MalformedModelException {
        String v = config.getProperty(LOADER + key);
        try {
            int n = Integer.parseInt(v == null ? "" : v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new MalformedModelException(source + ": the configuration in " + CONFIG + " has " + LOADER + key + " = "
                + v + "; expected a positive integer");
    }

    private static float[] triple(Map<String, String> meta, String key, String source) throws MalformedModelException {
        String[] parts = meta.get(key).split(",");
        float[] out = new float[3];
        try {
            if (parts.length != 3) {
                throw new NumberFormatException();
            }
            for (int i = 0; i < 3; i++) {
                out[i] = Float.parseFloat(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new MalformedModelException(source + ": " + key + " is '" + meta.get(key)
                    + "'; expected three numbers r,g,b");
        }
        return out;
    }
}
