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
import io.hdkd.core.run.RunFolder;
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
    /** The file in {@code checkpoints/} naming the latest checkpoint. */
    public static final String LATEST = "latest";
    private static final java.util.regex.Pattern CKPT_NAME = java.util.regex.Pattern.compile("ckpt-\\d{8,19}");

    private final Path dir;
    private final int keep;

    /**
     * @param runDir the run's output folder
     * @param keep how many checkpoints to keep (older ones are deleted after a new one is complete), at least 1
     */
    public Checkpoints(Path runDir, int keep) {
        this.dir = RunFolder.at(runDir).checkpoints();
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
        } catch (IOException | UncheckedIOException e) {
            // A failed write (a full disk) must not keep what it wrote: the disk would stay full.
            deleteQuietly(tmp);
            String cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause().getMessage()
                    : e.getMessage();
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + cause
                    + " (the partial checkpoint was removed; earlier checkpoints are untouched)",
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Directories.deleteRecursively(p);
        } catch (IOException ignored) {
            // best effort: the error that brought us here is what the user sees
        }
    }

    /**
     * The latest checkpoint's folder as {@code checkpoints/latest} names it, or null if the run has none.
     *
     * @throws InvalidInputException naming the file if {@code latest} is damaged or names a missing checkpoint
     */
    public Path latest() {
        Path pointer = dir.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pointer);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + pointer + ": " + e.getMessage(), e);
        }
        String name = new String(bytes, StandardCharsets.ISO_8859_1).trim();
        if (bytes.length > 64 || !CKPT_NAME.matcher(name).matches()) {
            throw new InvalidInputException(pointer + " is damaged: expected a checkpoint name like ckpt-00000012, "
                    + "found " + bytes.length + " bytes that are not one");
        }
        Path ckpt = dir.resolve(name);
        if (!Files.isDirectory(ckpt)) {
            throw new InvalidInputException(pointer + " names " + name + ", which does not exist");
        }
        return ckpt;
    }

    /**
     * The checkpoints to resume from, best first: the one {@code latest} names, then every other complete checkpoint
     * folder, newest first. A damaged {@code latest} is reported through {@code warnings} and skipped.
     */
    public List<Path> candidates(List<String> warnings) {
        List<Path> out = new ArrayList<>();
        try {
            Path l = latest();
            if (l != null) {
                out.add(l);
            }
        } catch (InvalidInputException e) {
            warnings.add(e.getMessage());
        }
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> CKPT_NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .forEach(all::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        all.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (Path p : all) {
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Restores model parameters and optimizer state from {@code ckpt} and returns where the run stood. */
    public static TrainingState load(Path ckpt, Block model, Optimizer optimizer, NDManager manager) {
        TrainingState state = readState(ckpt);
        loadModel(ckpt.resolve(MODEL_FILE), model, manager);
        if (optimizer != null) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(ckpt.resolve(OPTIMIZER_FILE)));
                    NDManager scratch = manager.newSubManager()) {
                optimizer.loadState(NDList.decode(scratch, in), manager);
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                // OutOfMemoryError: a damaged length in the file asked for an impossible array, nothing was filled.
                throw new InvalidInputException("cannot read " + ckpt.resolve(OPTIMIZER_FILE) + ": damaged ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
            }
        }
        return state;
    }

    /** Loads parameters saved by {@link Block#saveParameters} into an initialised {@code model}. */
    public static void loadModel(Path file, Block model, NDManager manager) {
        // The model's own parameters serialise to exactly as many bytes as a checkpoint of it holds: a file of another
        // size is damaged or of another model. Checked first because DJL trusts the lengths in the file, and a damaged
        // length makes it allocate without bound (found by fuzzing: ReaderFuzzTest.checkpointReader).
        long expected = serializedSize(model);
        try {
            long actual = Files.size(file);
            if (actual != expected) {
                throw new InvalidInputException("cannot load model parameters from " + file + ": damaged or of another "
                        + "model (" + actual + " bytes, this model's parameters take " + expected + ")");
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            model.loadParameters(manager, in);
        } catch (IOException | MalformedModelException | RuntimeException | OutOfMemoryError e) {
            throw new InvalidInputException("cannot load model parameters from " + file + ": damaged or of another "
                    + "model (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                    + e.getMessage().replace('\n', ' ')) + ")", e);
        }
        // Loaded arrays are fresh tensors: trainable parameters must be marked for gradients again.
        for (var p : model.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /** How many bytes {@link Block#saveParameters} writes for {@code model}, counted without keeping them. */
    static long serializedSize(Block model) {
        long[] count = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try (DataOutputStream out = new DataOutputStream(counter)) {
            model.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count[0];
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
            String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
            JsonObject json = new Gson().fromJson(text, JsonObject.class);
            if (json == null) {
                throw new IllegalArgumentException("empty");
            }
            int epoch = json.get("epoch").getAsInt();
            int batch = json.get("batch").getAsInt();
            long step = json.get("step").getAsLong();
            if (epoch < 0 || batch < 0 || step < 0) {
                throw new IllegalArgumentException("negative position " + epoch + "/" + batch + "/" + step);
            }
            return new TrainingState(epoch, batch, step);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read " + f + ": damaged (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().replace('\n', ' ')) + ")", e);
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
