package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.launch.LaunchBatch;
import io.hdkd.core.launch.LaunchTask;
import io.hdkd.core.launch.Launcher;
import io.hdkd.core.launch.Launches;
import io.hdkd.core.launch.TaskState;
import io.hdkd.core.pipeline.DistillSection;
import io.hdkd.core.pipeline.DistillationRun;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.pipeline.RatioSweep;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.validation.RunValidation;
import java.io.PrintWriter;
import java.nio.file.Path;
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

    @Mixin
    LauncherOptions launch;

    @Override
    public Integer call() {
        Map<String, String> raw = run.rawConfig();
        List<DistillSection.Ratio> parsed = new ArrayList<>();
        for (String r : ratios) {
            parsed.add(DistillSection.Ratio.parse("--ratios", r));
        }
        boolean slurm = launch.slurm(run.out);
        if (slurm && parsed.isEmpty()) {
            throw new InvalidInputException("--launcher slurm needs --ratios (a single run: submit 'hdkd distill' "
                    + "yourself, or use hdkd sweep)");
        }
        LoadedPlugins loaded = PluginHost.load(spec);
        PrintWriter w = spec.commandLine().getOut();
        if (slurm) {
            return launchRatios(raw, loaded, parsed, w);
        }
        launch.launcher(run.out); // validates: --slurm-* options without --launcher slurm are an error
        if (!parsed.isEmpty()) {
            RunValidation.require(new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw),
                    loaded.registry(), RunValidation.Purpose.DISTILL);
            RatioSweep.Result sweep = RatioSweep.run(raw, loaded.registry(), parsed, run.out,
                    run.resume || run.resumeOrStart, run.force,
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

    /**
     * {@code --ratios} through a launcher that runs elsewhere: one child run per ratio ({@code --set
     * distill.ratio=a:b --out RUN/ratio-a_b --resume-or-start}), then, once all have ended, RUN/ratios.csv.
     */
    private int launchRatios(Map<String, String> raw, LoadedPlugins loaded, List<DistillSection.Ratio> parsed,
            PrintWriter w) {
        if (run.config == null) {
            throw new InvalidInputException("--launcher slurm needs --config FILE (the runs read it on the nodes)");
        }
        if (run.force) {
            throw new InvalidInputException("--launcher slurm: --force is not supported (runs may be queued); "
                    + "delete " + run.out + " yourself or use another --out");
        }
        List<String> names = RatioSweep.folderNames(parsed);
        // every ratio's configuration must resolve here, before anything is submitted
        ConfigResolver resolver = new ConfigResolver(loaded.registry(), Pipelines.schema());
        String ratioKey = DistillSection.SECTION.prefix() + "." + DistillSection.RATIO;
        for (DistillSection.Ratio r : parsed) {
            Map<String, String> keys = new java.util.LinkedHashMap<>(raw);
            keys.put(ratioKey, r.text());
            resolver.resolve(keys);
        }
        HdkdCommand root = (HdkdCommand) spec.root().userObject();
        Path out = run.out.toAbsolutePath().normalize();
        List<LaunchTask> tasks = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            List<String> args = new ArrayList<>(List.of("distill"));
            if (root.pluginsDir != null) {
                args.addAll(List.of("--plugins-dir", root.pluginsDir.toAbsolutePath().toString()));
            }
            args.addAll(List.of("--config", run.config.toAbsolutePath().normalize().toString()));
            for (String set : run.overrides.arguments()) {
                args.addAll(List.of("--set", set));
            }
            args.addAll(List.of("--set", ratioKey + "=" + parsed.get(i).text(), "--out",
                    out.resolve(names.get(i)).toString(), "--resume-or-start"));
            tasks.add(new LaunchTask(i, names.get(i), args));
        }
        Launcher launcher = launch.launcher(out);
        LaunchBatch batch = new LaunchBatch(out, tasks, launch.threads());
        PrintWriter err = spec.commandLine().getErr();
        List<TaskState> states = Launches.run(batch, launcher, launch.waitForRuns, launch.poll(), err);
        if (!Launches.allEnded(states)) {
            for (int i = 0; i < tasks.size(); i++) {
                TaskState s = states.get(i);
                w.println(tasks.get(i).name() + ": " + s.state().label()
                        + (s.detail().isEmpty() ? "" : " (" + s.detail() + ")"));
            }
            w.println(tasks.size() + (tasks.size() == 1 ? " run: " : " runs: ") + Launches.counts(states) + "; run the same command again to follow "
                    + "them (--wait to block until all have ended); " + RatioSweep.CSV + " is written then");
            w.flush();
            return ExitCodes.OK;
        }
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            if (states.get(i).state() != TaskState.State.DONE) {
                failed.add(tasks.get(i).name() + " (" + states.get(i).detail() + ")");
            }
        }
        if (!failed.isEmpty()) {
            err.println("hdkd: error: " + failed.size() + " of " + tasks.size() + " ratio runs failed: "
                    + String.join(", ", failed) + "; run the same command again to resubmit them");
            err.flush();
            return ExitCodes.FAILURE;
        }
        RatioSweep.Result table = RatioSweep.tabulate(parsed, out);
        w.print(table.table());
        w.println("ratios: " + table.csv());
        w.flush();
        return ExitCodes.OK;
    }
}
