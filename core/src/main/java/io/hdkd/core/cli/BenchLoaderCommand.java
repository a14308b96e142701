package io.hdkd.core.cli;

import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Options;
import io.hdkd.core.bench.BenchReport;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.data.loader.DetectionLoader;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthDatasetWriter;
import io.hdkd.core.data.synth.SynthPreset;
import io.hdkd.core.io.Directories;
import io.hdkd.core.progress.ProgressBar;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd bench loader}: images per second of decoding, augmentation, resizing and batching alone (no model), on
 * a synthetic dataset generated into a temporary folder first. {@code median_step_ms} is the median time per batch as
 * the consumer sees it (waiting included), so a loader that keeps up with training shows a small value.
 */
@Command(name = "loader", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class, description = "Measure data loading + augmentation throughput on synthetic data.",
        sortOptions = false)
public final class BenchLoaderCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--preset", defaultValue = "coarse", description = "Synthetic preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--images", defaultValue = "200", description = "Images to generate and load (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", defaultValue = "512", description = "Side of the generated images (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--input-size", description = "Longer side of the network input (default: --size).")
    Integer inputSize;

    @Option(names = "--batch", defaultValue = "2", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", defaultValue = "2", description = "Loader threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--no-augment", description = "Measure without augmentation (as in evaluation).")
    boolean noAugment;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of data, shuffle and augmentation.")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || workers < 1 || epochs < 1) {
            throw new InvalidInputException("--batch, --workers and --epochs must be >= 1");
        }
        SynthConfig synth = new SynthConfig(SynthPreset.parse(preset), images, size, seed, 0);
        int input = inputSize == null ? size : inputSize;
        if (input < 32) {
            throw new InvalidInputException("--input-size must be >= 32, got " + input);
        }
        Path tmp = Files.createTempDirectory("hdkd-bench-loader-");
        try {
            DetectionDataset ds;
            try (ProgressBar bar = ProgressBar.stderr("generating " + synth.preset().id(), images, "img")) {
                ds = SynthDatasetWriter.write(synth, tmp.resolve("data"), bar).train();
            }
            AugmentConfig aug = noAugment ? AugmentConfig.NONE
                    : AugmentConfig.fromOptions(Options.of(AugmentConfig.SECTION + ".", AugmentConfig.options(),
                            Map.of()));
            LoaderConfig cfg = LoaderConfig.longerSide(input, batch, workers, true, seed);
            PrintWriter out = spec.commandLine().getOut();
            out.println(String.format(Locale.ROOT,
                    "bench loader: %s, %d images of %d px -> input %d, batch %d, %d workers, augmentation %s, %d epoch(s)",
                    synth.preset().id(), images, size, input, batch, workers, noAugment ? "off" : "default", epochs));
            int totalBatches = 0;
            int totalImages = 0;
            double seconds;
            double[] stepMs;
            // the engine loads before the clock starts: only loading is measured
            try (NDManager manager = NDManager.newBaseManager("PyTorch");
                    DetectionLoader loader = new DetectionLoader(ds, aug, cfg)) {
                stepMs = new double[loader.batchesPerEpoch() * epochs];
                long start = System.nanoTime();
                for (int e = 0; e < epochs; e++) {
                    try (var it = loader.epoch(e, manager)) {
                        long last = System.nanoTime();
                        while (it.hasNext()) {
                            try (DetectionBatch b = it.next()) {
                                totalImages += b.size();
                            }
                            long now = System.nanoTime();
                            stepMs[totalBatches++] = (now - last) / 1e6;
                            last = now;
                        }
                    }
                }
                seconds = (System.nanoTime() - start) / 1e9;
            }
            BenchReport.print(out, BenchReport.median(stepMs), totalImages / seconds);
            return 0;
        } finally {
            try {
                Directories.deleteRecursively(tmp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + tmp, e);
            }
        }
    }
}
