package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.pipeline.TrainingRun;
import io.hdkd.core.plugin.LoadedPlugins;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Option(names = "--config", paramLabel = "FILE", description = "The configuration (.properties). With --resume, "
            + "defaults to the run's own RUN/config.properties.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "The run folder.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in RUN from its latest checkpoint.")
    boolean resume;

    @Option(names = "--force", description = "Delete RUN first if it exists.")
    boolean force;

    @Override
    public Integer call() {
        if (resume && force) {
            throw new InvalidInputException("--resume and --force contradict each other: pick one");
        }
        Path file = config;
        if (file == null) {
            if (!resume) {
                throw new InvalidInputException("--config FILE is required (only --resume can do without it)");
            }
            file = out.resolve("config.properties");
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("--resume: " + out + " holds no run (no config.properties)");
            }
        }
        Map<String, String> raw = ConfigFiles.layered(file, sets);
        LoadedPlugins loaded = PluginHost.load(spec);
        ResolvedConfig resolved = new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw);
        TrainingRun.Outcome outcome = TrainingRun.train(resolved, out, resume, force, System.err);
        PrintWriter w = spec.commandLine().getOut();
        outcome.finalMetrics().forEach((k, v) -> {
            if (!k.equals("epoch") && !k.equals("step")) {
                w.println(String.format(Locale.ROOT, "%s %.6f", k, v));
            }
        });
        w.println("model: " + out.resolve("model"));
        w.println("report: " + outcome.report());
        w.flush();
        return ExitCodes.OK;
    }
}
