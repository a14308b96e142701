package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.pipeline.SavedModel;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --run RUN}: the run folder whose trained model a command uses (eval, predict, bench predict), and how to
 * load that model. A mixin where the run is required; where it is optional, an {@code @ArgGroup} of this class (null
 * when --run is absent).
 */
final class ModelRunArgs {

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "A run folder written by hdkd train.")
    Path run;

    /** The run folder. */
    Path folder() {
        return run;
    }

    /**
     * The run's model, on the engine's default device, its arrays in {@code manager}; plugins as the command line
     * says.
     *
     * @throws InvalidInputException if the run folder holds no finished model
     */
    SavedModel.Loaded load(CommandSpec spec, NDManager manager) {
        return load(spec, manager, null);
    }

    /** As {@link #load(CommandSpec, NDManager)}, with plugins the command has loaded already (null: load them). */
    SavedModel.Loaded load(CommandSpec spec, NDManager manager, LoadedPlugins loaded) {
        if (!Files.isDirectory(run)) {
            throw new InvalidInputException("--run " + run + ": no such folder");
        }
        Path model = RunFolder.at(run).model();
        if (!Files.isDirectory(model)) {
            throw new InvalidInputException("--run " + run + " holds no trained model (no " + model
                    + "); train one with 'hdkd train --out " + run + "' or wait for its training to finish");
        }
        LoadedPlugins plugins = loaded != null ? loaded : PluginHost.load(spec);
        return SavedModel.load(run, plugins.registry(), Engine.getInstance().defaultDevice(), manager);
    }
}
