package io.hdkd.core.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.FeatureLevel;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.weights.ParameterSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd model summary --config FILE [--set k=v]... [--classes N]}: the detector's feature levels (stride,
 * channels) and parameter counts per part. Counts follow PyTorch: BatchNorm running statistics are buffers there, so
 * they are reported in their own column and left out of the total.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Build the detector of a configuration and print its feature levels (stride, channels) and its",
            "parameter counts (trainable, frozen, total as torchvision counts them, BatchNorm statistics apart)."})
public final class ModelSummaryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--config", paramLabel = "FILE", description = "The configuration (.properties).")
    Path config;

    @Mixin
    ConfigOverrides overrides;

    @Option(names = "--classes", defaultValue = "80", paramLabel = "N",
            description = "Number of classes the head predicts (default ${DEFAULT-VALUE}).")
    int classes;

    @Override
    public Integer call() {
        if (config == null && overrides.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give --config FILE and/or --set KEY=VALUE");
        }
        if (classes < 1) {
            throw new ParameterException(spec.commandLine(), "--classes must be >= 1, got " + classes);
        }
        LoadedPlugins loaded = PluginHost.load(spec);
        ResolvedConfig resolved = new ConfigResolver(loaded.registry(), Pipelines.schema())
                .resolve(overrides.over(config));
        int size = LoaderConfig.fromOptions(resolved.section(LoaderConfig.SECTION)).size();
        PrintWriter w = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            DetectorBlock detector = DetectorBuilder.build(resolved, classes, size, Device.cpu(), manager);
            List<String[]> levels = new ArrayList<>();
            levels.add(new String[] {"PART", "LEVEL", "STRIDE", "CHANNELS"});
            addLevels(levels, "backbone", detector.backbone().levels());
            if (detector.neck() != null) {
                addLevels(levels, "neck", detector.neck().levels());
            }
            Table.print(w, levels, "");
            w.println();
            List<String[]> counts = new ArrayList<>();
            counts.add(new String[] {"PART", "TYPE", "TRAINABLE", "FROZEN", "TOTAL", "BN_STATS"});
            counts.add(row("backbone", type(resolved, ComponentSlot.BACKBONE), ParameterSummary.of(detector.backbone().block())));
            if (detector.neck() != null) {
                counts.add(row("neck", type(resolved, ComponentSlot.NECK), ParameterSummary.of(detector.neck().block())));
            }
            counts.add(row("head", type(resolved, ComponentSlot.HEAD), ParameterSummary.of(detector.head().block())));
            counts.add(row("all", "-", ParameterSummary.of(detector)));
            Table.print(w, counts, "");
            w.println(String.format(Locale.ROOT, "classes %d, initialised for %d x %d inputs", classes, size, size));
            w.flush();
        }
        return ExitCodes.OK;
    }

    private static void addLevels(List<String[]> rows, String part, List<FeatureLevel> levels) {
        for (FeatureLevel l : levels) {
            rows.add(new String[] {part, l.name(), Integer.toString(l.stride()), Integer.toString(l.channels())});
        }
    }

    private static String type(ResolvedConfig config, ComponentSlot slot) {
        return config.component(slot).map(ConfiguredComponent::type).orElse("-");
    }

    private static String[] row(String part, String type, ParameterSummary s) {
        return new String[] {part, type, count(s.trainable()), count(s.frozen()), count(s.total()),
            count(s.statistics())};
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
