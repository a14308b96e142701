package io.hdkd.core.pipeline;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.io.Directories;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.util.Statistics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hdkd distill --ratios}: one student per task:distillation ratio, each a full distillation run in
 * {@code RUN/ratio-a_b} (same configuration and seed but for {@code distill.ratio}), and {@code RUN/ratios.csv} with
 * each run's final AP and AP50 and their mean and standard deviation over the ratios.
 */
public final class RatioSweep {

    public static final String CSV = "ratios.csv";

    /** One ratio's run and its final validation AP and AP50. */
    public record Entry(DistillSection.Ratio ratio, Path runDir, double ap, double ap50) {}

    /** Every ratio's result, the mean and the sample standard deviation of AP and AP50, and the CSV written. */
    public record Result(List<Entry> entries, double meanAp, double stdAp, double meanAp50, double stdAp50, Path csv) {

        /** The results as an aligned text table. */
        public String table() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %8s %8s%n", "ratio", "AP", "AP50"));
            for (Entry e : entries) {
                sb.append(String.format(Locale.ROOT, "%-10s %8.4f %8.4f%n", e.ratio().text(), e.ap(), e.ap50()));
            }
            sb.append(String.format(Locale.ROOT, "%-10s %8.4f %8.4f%n", "mean", meanAp, meanAp50));
            sb.append(String.format(Locale.ROOT, "%-10s %8.4f %8.4f%n", "std", stdAp, stdAp50));
            return sb.toString();
        }
    }

    private RatioSweep() {}

    /**
     * Runs the sweep.
     *
     * @param raw the user's configuration keys; {@code distill.ratio} is replaced by each ratio in turn
     * @param resume continue each ratio's run (a ratio whose run finished is trained no further)
     */
    public static Result run(Map<String, String> raw, ComponentRegistry registry, List<DistillSection.Ratio> ratios,
            Path out, boolean resume, boolean force, PrintStream log) {
        folderNames(ratios);
        ConfigResolver resolver = new ConfigResolver(registry, Pipelines.schema());
        List<ResolvedConfig> configs = new ArrayList<>();
        for (DistillSection.Ratio r : ratios) {
            Map<String, String> keys = new LinkedHashMap<>(raw);
            keys.put(DistillSection.SECTION.prefix() + "." + DistillSection.RATIO, r.text());
            configs.add(resolver.resolve(keys));
        }
        if (force) {
            try {
                Directories.deleteRecursively(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear " + out + ": " + e.getMessage(), e);
            }
        } else if (!resume) {
            try {
                AtomicFiles.checkWritable(out, false);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(out + " exists; pass --resume to continue its runs or --force to start"
                        + " over");
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < ratios.size(); i++) {
            Path dir = out.resolve(ratios.get(i).folderName());
            log.println("distill: ratio " + ratios.get(i).text() + " -> " + dir);
            boolean resumeThis = resume && Files.isDirectory(dir);
            DistillationRun.Outcome o = DistillationRun.distill(configs.get(i), registry, dir, resumeThis, false, log);
            Map<String, Double> m = o.run().finalMetrics();
            entries.add(new Entry(ratios.get(i), dir, m.getOrDefault("AP", Double.NaN),
                    m.getOrDefault("AP50", Double.NaN)));
        }
        return writeTable(entries, out);
    }

    /**
     * The ratio study's table from runs that have ended elsewhere (a launcher's child processes): each ratio's final
     * AP and AP50 from the last line of {@code out/ratio-a_b/eval.jsonl}; writes {@code out/ratios.csv}.
     */
    public static Result tabulate(List<DistillSection.Ratio> ratios, Path out) {
        List<Entry> entries = new ArrayList<>();
        for (DistillSection.Ratio r : ratios) {
            Path dir = out.resolve(r.folderName());
            Map<String, Double> last = RunFolder.at(dir).lastEvaluation().orElse(Map.of());
            entries.add(new Entry(r, dir, last.getOrDefault("AP", Double.NaN), last.getOrDefault("AP50", Double.NaN)));
        }
        return writeTable(entries, out);
    }

    /** The run's folder name of each ratio, in order; a ratio listed twice is an error. */
    public static List<String> folderNames(List<DistillSection.Ratio> ratios) {
        List<String> names = new ArrayList<>();
        for (DistillSection.Ratio r : ratios) {
            if (names.contains(r.folderName())) {
                throw new InvalidInputException("--ratios lists " + r.text() + " twice");
            }
            names.add(r.folderName());
        }
        return names;
    }

    private static Result writeTable(List<Entry> entries, Path out) {
        double[] ap = entries.stream().mapToDouble(Entry::ap).toArray();
        double[] ap50 = entries.stream().mapToDouble(Entry::ap50).toArray();
        Path csv = out.resolve(CSV);
        StringBuilder sb = new StringBuilder("ratio,AP,AP50,run\n");
        for (Entry e : entries) {
            sb.append(String.format(Locale.ROOT, "%s,%.6f,%.6f,%s%n", e.ratio().text(), e.ap(), e.ap50(),
                    e.runDir().getFileName()));
        }
        sb.append(String.format(Locale.ROOT, "mean,%.6f,%.6f,%n", mean(ap), mean(ap50)));
        sb.append(String.format(Locale.ROOT, "std,%.6f,%.6f,%n", std(ap), std(ap50)));
        AtomicFiles.writeString(csv, sb.toString());
        return new Result(entries, mean(ap), std(ap), mean(ap50), std(ap50), csv);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The sample standard deviation: {@link Statistics#sampleStandardDeviation} (NaN for a single ratio). */
    static double std(double[] v) {
        return Statistics.sampleStandardDeviation(v);
    }
}
