package io.hdkd.core.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.io.Directories;
import io.hdkd.core.train.optim.Optimizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A run's checkpoints: {@code RUN/checkpoints/ckpt-<step>/} holding {@code model.params} (the block's parameters,
 * BatchNorm statistics included), {@code optimizer.ndlist} (its state), {@code state.json} (epoch, next batch, step)
 * and {@code config.properties} (the resolved configuration). Each is written into a temporary folder and renamed into
 * place, then {@code checkpoints/latest} is rewritten atomically: a kill at any moment leaves the previous checkpoint
 * whole.
 */
public final class Checkpoints {

    static final String MODEL_FILE = "model.params";
    static final String OPTIMIZER_FILE = "optimizer.ndlist";
    static final String STATE_FILE = "state.json";
    static final String CONFIG_FILE = "config.properties";
    private static final String LATEST = "latest";

    private final Path dir;
    private final int keep;

    /**
     * @param runDir the run's output folder
     * @param keep how many checkpoints to keep (older ones are deleted after a new one is complete), at least 1
     */
    public Checkpoints(Path runDir, int keep) {
        this.dir = runDir.resolve("checkpoints");
        this.keep = Math.max(1, keep);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a checkpoint and makes it the latest. Returns its folder. */
    public Path save(Block model, Optimizer optimizer, TrainingState state, String resolvedConfig) {
        String name = String.format(Locale.ROOT, "ckpt-%08d", state.step());
        Path target = dir.resolve(name);
        Path tmp = dir.resolve(".tmp-" + name);
        try {
            Files.createDirectories(dir);
            Directories.deleteRecursively(tmp);
            Files.createDirectories(tmp);
            try (DataOutputStream out = new DataOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(tmp.resolve(MODEL_FILE))))) {
                model.saveParameters(out);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(OPTIMIZER_FILE)))) {
                optimizer.state().encode(out);
            }
            JsonObject json = new JsonObject();
            json.addProperty("epoch", state.epoch());
            json.addProperty("batch", state.batch());
            json.addProperty("step", state.step());
            Files.writeString(tmp.resolve(STATE_FILE), new Gson().toJson(json), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(CONFIG_FILE), resolvedConfig, StandardCharsets.UTF_8);
            Directories.deleteRecursively(target);
            AtomicFiles.move(tmp, target);
            AtomicFiles.writeString(dir.resolve(LATEST), name + "\n");
            prune();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** The latest complete checkpoint's folder, or null if the run has none. */
    public Path latest() {
        Path pointer = dir.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return null;
        }
        try {
            Path ckpt = dir.resolve(Files.readString(pointer).trim());
            if (!Files.isDirectory(ckpt)) {
                throw new InvalidInputException(pointer + " names " + ckpt.getFileName() + ", which does not exist");
            }
            return ckpt;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restores model parameters and optimizer state from {@code ckpt} and returns where the run stood. */
    public static TrainingState load(Path ckpt, Block model, Optimizer optimizer, NDManager manager) {
        loadModel(ckpt.resolve(MODEL_FILE), model, manager);
        if (optimizer != null) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(ckpt.resolve(OPTIMIZER_FILE)));
                    NDManager scratch = manager.newSubManager()) {
                optimizer.loadState(NDList.decode(scratch, in), manager);
            } catch (IOException e) {
                throw new InvalidInputException("cannot read " + ckpt.resolve(OPTIMIZER_FILE) + ": " + e.getMessage(), e);
            }
        }
        return readState(ckpt);
    }

    /** Loads parameters saved by {@link Block#saveParameters} into an initialised {@code model}. */
    public static void loadModel(Path file, Block model, NDManager manager) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            model.loadParameters(manager, in);
        } catch (IOException | MalformedModelException e) {
            throw new InvalidInputException("cannot load model parameters from " + file + ": " + e.getMessage(), e);
        }
        // Loaded arrays are fresh tensors: trainable parameters must be marked for gradients again.
        for (var p : model.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /** Saves the block's parameters atomically to {@code file}. */
    public static void saveModel(Path file, Block model) {
        AtomicFiles.write(file, out -> {
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
            model.saveParameters(data);
            data.flush();
        });
    }

    static TrainingState readState(Path ckpt) {
        Path f = ckpt.resolve(STATE_FILE);
        try {
            JsonObject json = new Gson().fromJson(Files.readString(f), JsonObject.class);
            return new TrainingState(json.get("epoch").getAsInt(), json.get("batch").getAsInt(), json.get("step").getAsLong());
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private void prune() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith("ckpt-") && Files.isDirectory(p)).forEach(all::add);
        }
        all.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (int i = 0; i < all.size() - keep; i++) {
            Directories.deleteRecursively(all.get(i));
        }
    }
}
