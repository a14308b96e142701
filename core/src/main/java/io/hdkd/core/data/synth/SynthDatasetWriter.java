package io.hdkd.core.data.synth;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.data.coco.CocoWriter;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.io.Directories;
import io.hdkd.core.progress.ProgressBar;
import io.hdkd.core.util.Seeds;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Generates a synthetic COCO dataset on disk:
 *
 * <pre>
 * DIR/
 *   images/train/000001.png ...     (file_name in the JSON is relative to images/&lt;split&gt;/, as in COCO's train2017/)
 *   images/val/000161.png ...
 *   annotations/instances_train.json
 *   annotations/instances_val.json
 *   stats.json
 * </pre>
 *
 * <p>Image ids run 1..N over both splits (validation takes the last images), annotation ids 1..M in image order,
 * category ids 1..C in {@link ShapeClass} order. Image {@code i} is rendered from its own random stream derived from
 * (seed, i), so images render in parallel and the output is byte-identical for a seed whatever the thread timing.
 * Everything is written into a temporary sibling folder that is renamed to DIR at the end: a crash leaves no
 * half-written dataset behind.
 */
public final class SynthDatasetWriter {

    /** The result: both splits as written (image folders inside DIR) and their statistics. */
    public record Result(DetectionDataset train, DetectionDataset val, SynthStats trainStats, SynthStats valStats) {}

    private SynthDatasetWriter() {}

    /** The categories of every synthetic dataset. */
    public static List<Category> categories() {
        List<ShapeClass> classes = ShapeClass.ordered();
        List<Category> out = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            out.add(new Category(i + 1, classes.get(i).label()));
        }
        return out;
    }

    /** The random stream of image {@code index} of a preset: independent of other images and of generation order. */
    static SplittableRandom imageRandom(long seed, SynthPreset preset, int index) {
        return new SplittableRandom(Seeds.mix(seed, preset.ordinal(), index));
    }

    /**
     * Writes the dataset to {@code outDir}. The caller has checked with {@link AtomicFiles#checkWritable} that
     * {@code outDir} may be replaced.
     *
     * @param progress stepped once per image, or null
     */
    public static Result write(SynthConfig config, Path outDir, ProgressBar progress) {
        Path target = outDir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
            Result result = writeInto(config, tmp, target, progress);
            if (Files.exists(target)) {
                Directories.deleteRecursively(target);
            }
            AtomicFiles.move(tmp, target);
            tmp = null;
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write synthetic dataset to " + target + ": " + causes(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Directories.deleteRecursively(tmp);
                } catch (IOException ignored) {
                    // best effort; the temporary folder is hidden and named after the target
                }
            }
        }
    }

    private static Result writeInto(SynthConfig config, Path dir, Path finalDir, ProgressBar progress)
            throws IOException {
        Path trainImages = dir.resolve("images/train");
        Path valImages = dir.resolve("images/val");
        Files.createDirectories(trainImages);
        Files.createDirectories(valImages);
        Files.createDirectories(dir.resolve("annotations"));

        int n = config.images();
        int nTrain = config.trainImages();
        SceneRenderer renderer = new SceneRenderer(config.preset(), config.size());
        Scene[] scenes = new Scene[n];
        renderAll(n, i -> {
            Scene scene = renderer.render(imageRandom(config.seed(), config.preset(), i));
            Path file = (i < nTrain ? trainImages : valImages).resolve(fileName(i));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                if (!ImageIO.write(scene.image(), "png", out)) {
                    throw new IOException("no PNG writer available");
                }
            }
            // Keep boxes only: the pixels are on disk and holding N images would cost memory.
            scenes[i] = new Scene(null, scene.objects(), scene.dropped());
            if (progress != null) {
                progress.step();
            }
        });

        List<Category> categories = categories();
        long[] nextAnnotationId = {1};
        DetectionDataset train = split(finalDir.resolve("images/train"), categories, scenes, config.size(), 0, nTrain,
                nextAnnotationId);
        DetectionDataset val = split(finalDir.resolve("images/val"), categories, scenes, config.size(), nTrain, n,
                nextAnnotationId);
        CocoWriter.write(train, dir.resolve("annotations/instances_train.json"));
        CocoWriter.write(val, dir.resolve("annotations/instances_val.json"));

        SynthStats trainStats = SynthStats.of(train, dropped(scenes, 0, nTrain));
        SynthStats valStats = SynthStats.of(val, dropped(scenes, nTrain, n));
        JsonObject stats = new JsonObject();
        stats.addProperty("preset", config.preset().id());
        stats.addProperty("images", n);
        stats.addProperty("size", config.size());
        stats.addProperty("seed", config.seed());
        stats.addProperty("val_fraction", config.valFraction());
        stats.addProperty("min_visible_fraction", SceneRenderer.MIN_VISIBLE_FRACTION);
        JsonObject splits = new JsonObject();
        splits.add("train", trainStats.toJson());
        splits.add("val", valStats.toJson());
        stats.add("splits", splits);
        AtomicFiles.writeString(dir.resolve("stats.json"),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(stats) + "\n");
        return new Result(train, val, trainStats, valStats);
    }

    /** Work on one image index. */
    @FunctionalInterface
    private interface ImageTask {
        void run(int index) throws IOException;
    }

    /**
     * Runs {@code task} for indices 0..n-1 on all cores. On the first failure the rest is cancelled and this returns
     * only after every worker has stopped, so the caller can delete the temporary folder without racing a writer.
     */
    private static void renderAll(int n, ImageTask task) throws IOException {
        int threads = Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hdkd-synth");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    task.run(index);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("synthetic image workers did not stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String fileName(int index) {
        return String.format(Locale.ROOT, "%06d.png", index + 1);
    }

    private static DetectionDataset split(Path imageDir, List<Category> categories, Scene[] scenes, int side,
            int from, int to, long[] nextAnnotationId) {
        List<ImageRecord> images = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            Scene s = scenes[i];
            List<ObjectAnnotation> objects = new ArrayList<>(s.objects().size());
            for (Scene.SceneObject o : s.objects()) {
                objects.add(new ObjectAnnotation(nextAnnotationId[0]++, o.classIndex(), o.x(), o.y(), o.width(),
                        o.height(), o.area(), false));
            }
            images.add(new ImageRecord(i + 1, fileName(i), side, side, objects));
        }
        return new DetectionDataset(imageDir, categories, images);
    }

    private static int dropped(Scene[] scenes, int from, int to) {
        int d = 0;
        for (int i = from; i < to; i++) {
            d += scenes[i].dropped();
        }
        return d;
    }

    /** The message and its causes' (ImageIO wraps "No space left on device" in "I/O error writing PNG file!"). */
    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
