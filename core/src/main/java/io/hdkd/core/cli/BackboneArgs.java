package io.hdkd.core.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.Backbone;
import io.hdkd.api.ComponentContext;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.LoadedPlugins;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options that name a backbone on the command line ({@code --arch NAME [--set model.backbone.KEY=VALUE]...}) and
 * how to build it: through the plugin registry and the configuration resolver, so option names, defaults and error
 * messages (an unknown arch lists the available backbones) are the configuration's own.
 */
final class BackboneArgs {

    @Option(names = "--arch", required = true, paramLabel = "NAME",
            description = "The backbone type, e.g. resnet50 (see 'hdkd plugins').")
    String arch;

    @Mixin
    ConfigOverrides overrides;

    /** The resolved configuration of {@code model.backbone.type = arch} plus the --set keys. */
    ResolvedConfig resolve(CommandSpec spec) {
        Map<String, String> raw = new LinkedHashMap<>(overrides.keys());
        raw.put(ComponentSlot.BACKBONE.typeKey(), arch);
        LoadedPlugins loaded = PluginHost.load(spec);
        return new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw);
    }

    /**
     * Builds the backbone and initialises it reproducibly from the run seed (like the detector assembly), without
     * loading {@code model.backbone.weights}: the caller decides what to load.
     */
    static Backbone build(ResolvedConfig config, NDManager manager) {
        long seed = config.seed();
        ComponentContext ctx = new ComponentContext(0, List.of(), Device.cpu(), seed);
        Backbone backbone = config.component(ComponentSlot.BACKBONE).orElseThrow().create(Backbone.class, ctx);
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
        backbone.block().initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
        return backbone;
    }
}
