package io.hdkd.core.cli;

import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.LoadedPlugins;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options that describe a detector for the benchmarks ({@code --config FILE} and {@code --set k=v}): a
 * configuration's {@code model.*} keys, or, without one, torchvision's {@code retinanet_resnet50_fpn} (ResNet50, FPN
 * P3-P7 with 256 channels, RetinaNet head), so that figures compare with PyTorch's out of the box.
 */
final class DetectorArgs {

    /** The detector benchmarked when no configuration is given. */
    static final Map<String, String> DEFAULT_MODEL = Map.of(
            "model.backbone.type", "resnet50",
            "model.neck.type", "fpn",
            "model.head.type", "retinanet");

    @Option(names = "--config", paramLabel = "FILE",
            description = "A configuration whose model.* keys name the detector (default: RetinaNet R50-FPN).")
    Path config;

    @Mixin
    ConfigOverrides overrides;

    @Option(names = "--classes", defaultValue = "91", description = "Number of classes (default ${DEFAULT-VALUE}).")
    int classes;

    /** True if the user described a detector (a configuration or overrides). */
    boolean given() {
        return config != null || !overrides.isEmpty();
    }

    ResolvedConfig resolve(CommandSpec spec) {
        Map<String, String> raw = new LinkedHashMap<>();
        if (config != null) {
            raw.putAll(overrides.over(config));
        } else {
            raw.putAll(DEFAULT_MODEL);
            raw.putAll(overrides.keys());
        }
        LoadedPlugins loaded = PluginHost.load(spec);
        return new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw);
    }
}
