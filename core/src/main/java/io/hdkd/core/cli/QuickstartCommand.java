package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.pipeline.Quickstart;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.report.ComparisonReport;
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
import picocli.CommandLine.Spec;

/** {@code hdkd quickstart [--out DIR] [--force] [--seed N] [--seeds K] [--teacher RUN]}. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"The distillation quickstart on hdkd's synthetic data: generate the data, train a teacher, train a",
            "small student alone and the same student distilled from the teacher (same budget and seed), evaluate",
            "all three and write an HTML report (COCO table, gain, share of the teacher gap recovered, curves, drawn",
            "samples). About 10-15 minutes on 2 CPU cores; prints 'report: PATH' at the end."})
public final class QuickstartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/quickstart",
            description = "The output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Delete DIR first if it exists.")
    boolean force;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "The students' seed (default: ${DEFAULT-VALUE}); the data and the teacher use their own.")
    long seed;

    @Option(names = "--seeds", paramLabel = "K", defaultValue = "1",
            description = "Train K pairs of students, seeds N..N+K-1, under one teacher; the report gives the mean "
                    + "gain and its spread (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--teacher", paramLabel = "RUN",
            description = "Reuse a teacher trained by an earlier quickstart (its DIR/teacher) instead of training one.")
    Path teacher;

    @Override
    public Integer call() {
        if (seeds < 1) {
            throw new InvalidInputException("--seeds " + seeds + ": expected at least 1");
        }
        List<Long> studentSeeds = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            studentSeeds.add(seed + i);
        }
        LoadedPlugins loaded = PluginHost.load(spec);
        Quickstart.Outcome o = Quickstart.run(Quickstart.Setup.defaults(), loaded.registry(), out, studentSeeds,
                teacher, force, System.err);
        PrintWriter w = spec.commandLine().getOut();
        ComparisonReport.Summary s = o.summary();
        w.println(String.format(Locale.ROOT, "teacher AP %.4f", s.teacherAp()));
        for (ComparisonReport.SeedResult r : s.seeds()) {
            w.println(String.format(Locale.ROOT, "seed %d: student alone AP %.4f, distilled AP %.4f, gain %+.4f",
                    r.seed(), r.aloneAp(), r.distilledAp(), r.gain()));
        }
        if (s.seeds().size() > 1) {
            w.println(String.format(Locale.ROOT, "mean gain %+.4f (std %.4f) over %d seeds, %d improved",
                    s.meanGain(), s.gainStd(), s.seeds().size(), s.seedsImproved()));
        }
        w.println("report: " + o.report());
        w.flush();
        return ExitCodes.OK;
    }
}
