package io.hdkd.core.data.loader;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.augment.Augmenter;
import io.hdkd.core.util.Seeds;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Feeds a detection dataset to a network as {@link DetectionBatch}es.
 *
 * <p>Why not DJL's {@code Dataset}/{@code Batchifier}: detection targets differ in length per image, and a batchifier
 * stacks equal shapes, so targets would have to be padded and unpadded again. A batch here keeps one
 * {@link ImageTargets} per image, as the {@code DetectorHead} SPI takes them.
 *
 * <p>Work: a fixed pool of {@code workers} threads decodes, augments and resizes images into plain float arrays; at
 * most {@code prefetch} batches are in flight ahead of the consumer (the bound on memory). The consumer's thread turns
 * them into NDArrays (native arrays are only created on the training thread). Order is the epoch's order whatever the
 * thread timing; the epoch's shuffle is seeded by (seed, epoch), each image's augmentation by (seed, epoch, image).
 *
 * <p>Usage: {@code try (var it = loader.epoch(e, manager)) { while (it.hasNext()) try (var b = it.next()) {...} }}.
 * Close the loader to stop its threads.
 */
public final class DetectionLoader implements AutoCloseable {

    private static final long SHUFFLE_SALT = 0x5EEDL;

    private final DetectionDataset dataset;
    private final LoaderConfig config;
    private final SamplePreparer preparer;
    private final ExecutorService pool;

    /**
     * @param augment {@link AugmentConfig#NONE} for evaluation
     */
    public DetectionLoader(DetectionDataset dataset, AugmentConfig augment, LoaderConfig config) {
        this.dataset = dataset;
        this.config = config;
        this.preparer = new SamplePreparer(dataset, new Augmenter(augment), config);
        AtomicInteger threadNo = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "hdkd-loader-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public LoaderConfig config() {
        return config;
    }

    /** Batches per epoch (the last may be smaller unless {@code dropLast}). */
    public int batchesPerEpoch() {
        int n = dataset.images().size();
        int b = config.batchSize();
        return config.dropLast() ? n / b : (n + b - 1) / b;
    }

    /** The dataset indices of an epoch, in the order they are served. */
    public int[] order(int epoch) {
        int n = dataset.images().size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (config.shuffle()) {
            SplittableRandom rnd = new SplittableRandom(Seeds.mix(config.seed() ^ SHUFFLE_SALT, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** The batches of {@code epoch}; their arrays are created in sub-managers of {@code manager}. */
    public BatchIterator epoch(int epoch, NDManager manager) {
        return epoch(epoch, 0, manager);
    }

    /**
     * The batches of {@code epoch} from batch {@code firstBatch} on, as the full epoch would serve them (order and
     * augmentation depend only on seed, epoch and image index): how a resumed run continues mid-epoch.
     */
    public BatchIterator epoch(int epoch, int firstBatch, NDManager manager) {
        if (firstBatch < 0 || firstBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("first batch " + firstBatch + " outside [0, " + batchesPerEpoch() + "]");
        }
        return new BatchIterator(epoch, firstBatch, manager);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Iterates one epoch; close it to cancel work in flight if the epoch is abandoned early. */
    public final class BatchIterator implements Iterator<DetectionBatch>, AutoCloseable {

        private final int epoch;
        private final NDManager manager;
        private final int[] order;
        private final int batches;
        private final ArrayDeque<List<Future<PreparedSample>>> inFlight = new ArrayDeque<>();
        private int submitted;
        private int served;

        BatchIterator(int epoch, int firstBatch, NDManager manager) {
            this.epoch = epoch;
            this.manager = manager;
            this.order = order(epoch);
            this.batches = batchesPerEpoch();
            this.submitted = firstBatch;
            this.served = firstBatch;
            while (submitted < batches && inFlight.size() < config.prefetch()) {
                submitNext();
            }
        }

        private void submitNext() {
            int from = submitted * config.batchSize();
            int to = Math.min(order.length, from + config.batchSize());
            List<Future<PreparedSample>> futures = new ArrayList<>(to - from);
            for (int p = from; p < to; p++) {
                int index = order[p];
                futures.add(pool.submit(() -> preparer.prepare(epoch, index)));
            }
            inFlight.add(futures);
            submitted++;
        }

        @Override
        public boolean hasNext() {
            return served < batches;
        }

        @Override
        public DetectionBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
            }
            List<Future<PreparedSample>> futures = inFlight.poll();
            List<PreparedSample> samples = new ArrayList<>(futures.size());
            for (Future<PreparedSample> f : futures) {
                samples.add(await(f));
            }
            served++;
            if (submitted < batches) {
                submitNext();
            }
            return assemble(samples);
        }

        private PreparedSample await(Future<PreparedSample> f) {
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while loading data", e);
            } catch (ExecutionException e) {
                close();
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("loading data failed: " + cause, cause);
            } catch (CancellationException e) {
                throw new IllegalStateException("epoch iterator was closed", e);
            }
        }

        private DetectionBatch assemble(List<PreparedSample> samples) {
            int div = config.sizeDivisor();
            int maxH = 0;
            int maxW = 0;
            for (PreparedSample s : samples) {
                maxH = Math.max(maxH, s.image().height());
                maxW = Math.max(maxW, s.image().width());
            }
            int h = (maxH + div - 1) / div * div;
            int w = (maxW + div - 1) / div * div;
            int n = samples.size();
            float[] pixels = new float[n * 3 * h * w];
            for (int b = 0; b < n; b++) {
                float[] src = samples.get(b).image().data();
                int sh = samples.get(b).image().height();
                int sw = samples.get(b).image().width();
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < sh; y++) {
                        System.arraycopy(src, (c * sh + y) * sw, pixels, ((b * 3 + c) * h + y) * w, sw);
                    }
                }
            }
            NDManager batchManager = manager.newSubManager();
            try {
                NDArray images = batchManager.create(FloatBuffer.wrap(pixels), new Shape(n, 3, h, w), DataType.FLOAT32);
                List<ImageTargets> targets = new ArrayList<>(n);
                List<ImageMeta> metas = new ArrayList<>(n);
                for (PreparedSample s : samples) {
                    int m = s.boxes().size();
                    NDArray boxes = batchManager.create(s.boxes().xyxy(), new Shape(m, 4));
                    NDArray labels = batchManager.create(s.boxes().labels(), new Shape(m));
                    targets.add(new ImageTargets(boxes, labels));
                    metas.add(s.meta());
                }
                return new DetectionBatch(images, targets, metas, batchManager);
            } catch (RuntimeException e) {
                batchManager.close();
                throw e;
            }
        }

        @Override
        public void close() {
            for (List<Future<PreparedSample>> futures : inFlight) {
                for (Future<PreparedSample> f : futures) {
                    f.cancel(true);
                }
            }
            inFlight.clear();
            served = batches;
        }
    }
}
