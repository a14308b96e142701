package io.hdkd.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import io.hdkd.api.Backbone;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * hdkd's own backbone checkpoint: a folder that {@code model.backbone.weights = DIR} points at.
 *
 * <pre>
 * DIR/checkpoint.json          {"format": "hdkd-backbone-checkpoint", "version": 1, "parameters": N, "elements": E}
 * DIR/parameters.safetensors   every parameter (running statistics included) keyed by its DJL parameter path
 * </pre>
 *
 * <p>Keys are the DJL paths ({@code block.getParameters()}), so any backbone can be saved, with or without external
 * names; safetensors keeps names, shapes and types and is readable from Python. Loading is strict (same names, same
 * shapes). The folder is written next to its target under a temporary name and renamed into place.
 */
public final class BackboneCheckpoint {

    public static final String FORMAT = "hdkd-backbone-checkpoint";
    public static final int VERSION = 1;
    static final String MANIFEST = "checkpoint.json";
    static final String PARAMETERS = "parameters.safetensors";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private BackboneCheckpoint() {}

    /**
     * Saves an initialised backbone to {@code dir}.
     *
     * @param force replace an existing non-empty {@code dir}; otherwise an InvalidInputException
     */
    public static void save(Backbone backbone, Path dir, boolean force) {
        AtomicFiles.checkWritable(dir, force);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        long elements = 0;
        for (Pair<String, Parameter> p : backbone.block().getParameters()) {
            if (!p.getValue().isInitialized()) {
                throw new IllegalStateException("initialize the block before saving: " + p.getKey());
            }
            tensors.put(p.getKey(), p.getValue().getArray());
            elements += p.getValue().getArray().size();
        }
        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", FORMAT);
        manifest.addProperty("version", VERSION);
        manifest.addProperty("parameters", tensors.size());
        manifest.addProperty("elements", elements);
        Path target = dir.toAbsolutePath().normalize();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
            TensorFiles.write(tmp.resolve(PARAMETERS), tensors);
            AtomicFiles.writeString(tmp.resolve(MANIFEST), GSON.toJson(manifest) + "\n");
            replace(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Loads a checkpoint into an initialised backbone of the same architecture.
     *
     * @throws InvalidInputException if {@code dir} is not a checkpoint or does not fit (lists the problems)
     */
    public static void load(Backbone backbone, Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new InvalidInputException(dir + ": not an hdkd backbone checkpoint (no " + MANIFEST + ")");
        }
        try {
            JsonObject manifest = GSON.fromJson(Files.readString(manifestFile, StandardCharsets.UTF_8), JsonObject.class);
            if (manifest == null || !manifest.has("format") || !FORMAT.equals(manifest.get("format").getAsString())) {
                throw new InvalidInputException(manifestFile + ": expected format " + FORMAT);
            }
            int version = manifest.get("version").getAsInt();
            if (version != VERSION) {
                throw new InvalidInputException(manifestFile + ": checkpoint version " + version
                        + " is not supported (expected " + VERSION + ")");
            }
        } catch (IOException e) {
            throw new InvalidInputException(manifestFile + ": cannot read: " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NullPointerException e) {
            throw new InvalidInputException(manifestFile + ": malformed checkpoint manifest", e);
        }
        Block block = backbone.block();
        Map<String, Parameter> targets = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            targets.put(p.getKey(), p.getValue());
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Path parameters = dir.resolve(PARAMETERS);
            ParameterMatch.copy(parameters.toString(), targets, TensorFiles.read(parameters, manager), Set.of());
        }
    }

    /** Moves {@code fresh} to {@code target}, moving an existing target aside first and deleting it afterwards. */
    private static void replace(Path fresh, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            AtomicFiles.move(target, old);
        }
        AtomicFiles.move(fresh, target);
        deleteQuietly(old);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temporary folder is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
