package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.sweep.SweepGrid;
import io.hdkd.core.validation.RunValidation;
import io.hdkd.core.sweep.SweepOutcome;
import io.hdkd.core.sweep.SweepRun;
import io.hdkd.core.sweep.SweepRunner;
import io.hdkd.core.sweep.SweepTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hdkd sweep --config FILE --grid KEY=V1,V2 [--grid ...] [--seeds N] --out DIR [--command train|distill]}. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Grid search: run train (or distill) for every combination of the --grid values and every seed,"
                + " one child process per run, one after another; then rank the settings by mean AP.",
            "Resumable: run it again with the same arguments (more values or seeds may be added) and finished runs are "
                + "skipped; a failed run is reported and does not stop the others.",
            "Writes DIR/<run>/ (each run), DIR/logs/<run>.log, DIR/results.csv and DIR/results.html."})
public final class SweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The base configuration.")
    Path config;

    @Option(names = "--grid", paramLabel = "KEY=V1,V2", description = "A key and the values to try (repeatable; "
            + "every combination runs).")
    List<String> grid = new ArrayList<>();

    @Mixin
    ConfigOverrides overrides;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
            description = "Runs per setting, with run.seed = 1..N (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--command", paramLabel = "CMD", defaultValue = "train",
            description = "What each run does: train or distill (default: ${DEFAULT-VALUE}).")
    String command;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The sweep folder.")
    Path out;

    @Override
    public Integer call() {
        HdkdCommand root = (HdkdCommand) spec.root().userObject();
        SweepRunner.Plan plan = new SweepRunner.Plan(command, config, overrides.arguments(), SweepGrid.parse(grid),
                seeds, out, root.pluginsDir);
        validate(plan.grid());
        PrintWriter err = spec.commandLine().getErr();
        List<SweepOutcome> outcomes = new SweepRunner(plan, err).run();
        PrintWriter w = spec.commandLine().getOut();
        SweepTable table = SweepTable.of(plan.grid(), outcomes, plan.out());
        int rank = 1;
        for (SweepTable.Row r : table.rows()) {
            w.println(String.format(Locale.ROOT, "%d. %s: AP %s, AP50 %s (%d/%d runs)", rank++,
                    SweepRun.settingLabel(r.setting()), summary(r, "AP"), summary(r, "AP50"),
                    r.finished(), r.runs()));
        }
        w.println("results: " + plan.out().resolve("results.csv") + ", " + plan.out().resolve("results.html"));
        w.flush();
        List<SweepOutcome> failed = outcomes.stream().filter(o -> !o.succeeded()).toList();
        if (!failed.isEmpty()) {
            err.println("hdkd: error: " + failed.size() + " of " + outcomes.size() + " runs failed: "
                    + String.join(", ", failed.stream().map(o -> o.run().name()).toList())
                    + " (logs in " + plan.out().resolve("logs") + "); run the sweep again to retry them");
            err.flush();
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    /**
     * Runs the validation pass on every grid point before the first child starts, so a bad value in one corner of the
     * grid is refused up front instead of failing that child hours later.
     */
    private void validate(SweepGrid parsed) {
        LoadedPlugins loaded = PluginHost.load(spec);
        RunValidation.Purpose purpose = command.equals("distill") ? RunValidation.Purpose.DISTILL
                : RunValidation.Purpose.TRAIN;
        Map<String, String> base = overrides.over(config);
        for (Map<String, String> point : parsed.points()) {
            Map<String, String> raw = new LinkedHashMap<>(base);
            raw.putAll(point);
            try {
                RunValidation.require(new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw),
                        loaded.registry(), purpose);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("grid point " + point + ": " + e.getMessage(), e);
            }
        }
    }

    private static String summary(SweepTable.Row r, String metric) {
        if (r.finished() == 0) {
            return "-";
        }
        String mean = String.format(Locale.ROOT, "%.4f", r.mean(metric));
        return r.finished() < 2 ? mean : mean + String.format(Locale.ROOT, " ± %.4f", r.spread(metric));
    }
}
