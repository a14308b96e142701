package io.hdkd.core.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.io.Directories;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.train.Checkpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained detector as a folder: {@code model.params} (the detector's parameters, nothing of training: no optimizer
 * state, no distillation adapters), {@code config.properties} (the resolved configuration that builds it) and
 * {@code categories.json} (class index to COCO id and name). It loads with nothing but the plugins its configuration
 * names.
 */
public final class SavedModel {

    static final String PARAMS = "model.params";
    static final String CONFIG = "config.properties";
    static final String CATEGORIES = "categories.json";

    /** A loaded model. */
    public record Loaded(DetectorBlock detector, ResolvedConfig config, List<Category> categories,
            LoaderConfig loaderConfig) {}

    private SavedModel() {}

    /** Writes {@code dir} (replacing it) through a temporary folder renamed into place. */
    public static void save(Path dir, DetectorBlock detector, ResolvedConfig config, List<Category> categories) {
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        try {
            Directories.deleteRecursively(tmp);
            Files.createDirectories(tmp);
            Checkpoints.saveModel(tmp.resolve(PARAMS), detector);
            Files.writeString(tmp.resolve(CONFIG), config.toProperties(), StandardCharsets.UTF_8);
            JsonArray cats = new JsonArray();
            for (Category c : categories) {
                JsonObject o = new JsonObject();
                o.addProperty("id", c.cocoId());
                o.addProperty("name", c.name());
                cats.add(o);
            }
            Files.writeString(tmp.resolve(CATEGORIES), new GsonBuilder().setPrettyPrinting().create().toJson(cats),
                    StandardCharsets.UTF_8);
            Directories.deleteRecursively(dir);
            AtomicFiles.move(tmp, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a saved model: {@code path} is the model folder or a run folder holding {@code model/}.
     *
     * @param registry the loaded plugins (the configuration's component types must be among them)
     */
    public static Loaded load(Path path, ComponentRegistry registry, Device device, NDManager manager) {
        return load(path, registry, device, manager, Map.of());
    }

    /**
     * As {@link #load(Path, ComponentRegistry, Device, NDManager)}, with {@code overrides} replacing keys of the saved
     * configuration before the detector is built (e.g. how a teacher's head decodes); each key must be one the saved
     * configuration could hold, as for {@code --set}.
     */
    public static Loaded load(Path path, ComponentRegistry registry, Device device, NDManager manager,
            Map<String, String> overrides) {
        Path inRun = RunFolder.at(path).model();
        Path dir = Files.isDirectory(inRun) ? inRun : path;
        for (String f : List.of(PARAMS, CONFIG, CATEGORIES)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new InvalidInputException(path + " holds no trained model (no " + dir.resolve(f)
                        + "); point at a run folder whose training finished, or its model/ folder");
            }
        }
        Map<String, String> raw = new java.util.LinkedHashMap<>(ConfigFiles.read(dir.resolve(CONFIG)));
        raw.putAll(overrides);
        ResolvedConfig config = new ConfigResolver(registry, Pipelines.schema()).resolve(raw);
        List<Category> categories = readCategories(dir.resolve(CATEGORIES));
        LoaderConfig loader = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        DetectorBlock detector = DetectorBuilder.build(config, categories.size(), loader.size(), device, manager);
        Checkpoints.loadModel(dir.resolve(PARAMS), detector, manager);
        return new Loaded(detector, config, categories, loader);
    }

    static List<Category> readCategories(Path file) {
        try {
            JsonArray arr = new Gson().fromJson(Files.readString(file), JsonArray.class);
            List<Category> out = new ArrayList<>();
            for (var e : arr) {
                JsonObject o = e.getAsJsonObject();
                out.add(new Category(o.get("id").getAsInt(), o.get("name").getAsString()));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
