package io.hdkd.core.cli;

import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthDatasetWriter;
import io.hdkd.core.data.synth.SynthPreset;
import io.hdkd.core.progress.ProgressBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd data synth}: writes a synthetic COCO dataset (PNG images, instances JSON for a train and a val split,
 * stats.json) for one of the three object regimes. Same seed, same bytes.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class, description = "Generate a synthetic COCO-format detection dataset (dense, coarse or sparse).",
        sortOptions = false)
public final class DataSynthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--preset", required = true, paramLabel = "dense|coarse|sparse",
            description = "Object regime: dense (15-40 small crowded objects), coarse (1-4 large), sparse (1-3 tiny).")
    String preset;

    @Option(names = "--images", defaultValue = "200", description = "Number of images over both splits (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", defaultValue = "256", description = "Side of the square images in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed; the same seed gives identical files (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--val-fraction", defaultValue = "0.2",
            description = "Fraction of images in the val split, taken from the end (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--out", required = true, description = "Output folder (must not exist or be empty, unless --force).")
    Path out;

    @Mixin
    OverwritePermission overwrite;

    @Override
    public Integer call() {
        SynthConfig config = new SynthConfig(SynthPreset.parse(preset), images, size, seed, valFraction);
        overwrite.check(out);
        SynthDatasetWriter.Result result;
        try (ProgressBar bar = ProgressBar.stderr("synth " + config.preset().id(), images, "img")) {
            result = SynthDatasetWriter.write(config, out, bar);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + out + " (preset " + config.preset().id() + ", " + size + " px, seed " + seed + ")");
        w.println("  train: " + result.trainStats().describe());
        w.println("  val:   " + result.valStats().describe());
        w.flush();
        return 0;
    }
}
