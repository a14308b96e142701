package io.hdkd.core.cli;

import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.pipeline.TrainingRun;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.validation.RunValidation;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hdkd train --config FILE [--set k=v]... --out RUN [--resume | --force]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a detector from a configuration into a run folder (checkpoints, metrics, model, report).",
            "A killed run continues with --resume; an existing run folder is refused unless --resume or --force."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        Map<String, String> raw = run.rawConfig();
        LoadedPlugins loaded = PluginHost.load(spec);
        ResolvedConfig resolved = new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw);
        RunValidation.require(resolved, loaded.registry(), RunValidation.Purpose.TRAIN);
        TrainingRun.Outcome outcome = TrainingRun.train(resolved, run.out, run.resume, run.force, System.err);
        PrintWriter w = spec.commandLine().getOut();
        RunOptions.printOutcome(w, outcome);
        w.flush();
        return ExitCodes.OK;
    }
}
