package io.hdkd.core.cli;

import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.pipeline.DistillSection;
import io.hdkd.core.pipeline.DistillationRun;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.pipeline.RatioSweep;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.validation.RunValidation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hdkd distill --config FILE [--set k=v]... --out RUN [--resume | --force] [--ratios a:b,...]}. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Train a student detector (model.*) under a frozen teacher (teacher.run or teacher.onnx.*) with",
            "the distillation losses of distill.losses, into a run folder like 'hdkd train' writes; RUN/model is the",
            "student alone. --ratios trains one student per task:distillation ratio into RUN/ratio-a_b and writes",
            "RUN/ratios.csv with each AP, their mean and spread."})
public final class DistillCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    RunOptions run;

    @Option(names = "--ratios", split = ",", paramLabel = "A:B",
            description = "Train one student per ratio (overrides distill.ratio), e.g. 1:1,1:2,2:1,3:1.")
    List<String> ratios = new ArrayList<>();

    @Override
    public Integer call() {
        Map<String, String> raw = run.rawConfig();
        List<DistillSection.Ratio> parsed = new ArrayList<>();
        for (String r : ratios) {
            parsed.add(DistillSection.Ratio.parse("--ratios", r));
        }
        LoadedPlugins loaded = PluginHost.load(spec);
        PrintWriter w = spec.commandLine().getOut();
        if (!parsed.isEmpty()) {
            RunValidation.require(new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw),
                    loaded.registry(), RunValidation.Purpose.DISTILL);
            RatioSweep.Result sweep = RatioSweep.run(raw, loaded.registry(), parsed, run.out, run.resume, run.force,
                    System.err);
            w.print(sweep.table());
            w.println("ratios: " + sweep.csv());
            w.flush();
            return ExitCodes.OK;
        }
        ResolvedConfig resolved = new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw);
        RunValidation.require(resolved, loaded.registry(), RunValidation.Purpose.DISTILL);
        DistillationRun.Outcome outcome = DistillationRun.distill(resolved, loaded.registry(), run.out, run.resume,
                run.force, System.err);
        w.println(DistillationRun.overheadLine(outcome));
        RunOptions.printOutcome(w, outcome.run());
        w.flush();
        return ExitCodes.OK;
    }
}
