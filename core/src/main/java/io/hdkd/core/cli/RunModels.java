package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.pipeline.SavedModel;
import io.hdkd.core.plugin.LoadedPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** Loads the trained model of a run folder for the commands that use one (eval, predict, bench predict). */
final class RunModels {

    private RunModels() {}

    /**
     * The model of {@code run} (a folder {@code hdkd train} wrote), on the engine's default device, its arrays in
     * {@code manager}; plugins as the command line says.
     *
     * @throws InvalidInputException if {@code run} holds no finished model
     */
    static SavedModel.Loaded load(CommandSpec spec, Path run, NDManager manager) {
        if (!Files.isDirectory(run)) {
            throw new InvalidInputException("--run " + run + ": no such folder");
        }
        if (!Files.isDirectory(run.resolve(SavedModel.DIR))) {
            throw new InvalidInputException("--run " + run + " holds no trained model (no " + run.resolve(SavedModel.DIR)
                    + "); train one with 'hdkd train --out " + run + "' or wait for its training to finish");
        }
        LoadedPlugins plugins = PluginHost.load(spec);
        return SavedModel.load(run, plugins.registry(), Engine.getInstance().defaultDevice(), manager);
    }
}
