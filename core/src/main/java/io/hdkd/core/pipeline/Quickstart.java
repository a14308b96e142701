package io.hdkd.core.pipeline;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthDatasetWriter;
import io.hdkd.core.data.synth.SynthPreset;
import io.hdkd.core.io.Directories;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.progress.ProgressBar;
import io.hdkd.core.report.ComparisonReport;
import io.hdkd.core.run.RunFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code hdkd quickstart}: the whole distillation story on hdkd's synthetic data, in one folder.
 *
 * <pre>
 * OUT/data/                    synthetic scenes, generated once; every run reads them (dataset.root)
 * OUT/teacher/                 the teacher, trained (hdkd train run folder)
 * OUT/student-seed-N/          the student trained alone (seed N)
 * OUT/distilled-seed-N/        the same student, same budget and seed, distilled from the teacher (hdkd distill)
 * OUT/report.html              the comparison: COCO table, gain, gap recovered, curves, drawn samples
 * </pre>
 *
 * The configurations are resources next to this class ({@code quickstart/teacher.properties},
 * {@code student.properties}, {@code distill.properties}: the keys the distilled run adds to the student's); each run
 * folder keeps its resolved configuration, so every run can be repeated with {@code hdkd train} or
 * {@code hdkd distill}.
 */
public final class Quickstart {

    /** The seed of the data and of the teacher; the students' seeds are the caller's. */
    public static final long TEACHER_SEED = 42;

    private static final String RESOURCES = "quickstart/";

    /**
     * What the quickstart trains.
     *
     * @param data the synthetic scenes (generated once)
     * @param teacher the teacher's configuration (no dataset keys: the quickstart sets them)
     * @param student the student's configuration, for both students
     * @param distill what the distilled run adds to the student's configuration (losses, ratio)
     * @param sampleImages validation images drawn in the report
     */
    public record Setup(SynthConfig data, Map<String, String> teacher, Map<String, String> student,
            Map<String, String> distill, int sampleImages) {

        public Setup {
            teacher = Map.copyOf(teacher);
            student = Map.copyOf(student);
            distill = Map.copyOf(distill);
        }

        /** The shipped setup: coarse scenes at 160 px, and the resource configurations. */
        public static Setup defaults() {
            return new Setup(new SynthConfig(SynthPreset.COARSE, 300, 160, TEACHER_SEED, 0.2), resource("teacher"),
                    resource("student"), resource("distill"), 4);
        }

        /** This setup with {@code overrides} applied on top of the given role's keys ("teacher", "student", "distill"). */
        public Setup with(String role, Map<String, String> overrides) {
            Map<String, String> t = new LinkedHashMap<>(teacher);
            Map<String, String> s = new LinkedHashMap<>(student);
            Map<String, String> d = new LinkedHashMap<>(distill);
            switch (role) {
                case "teacher" -> t.putAll(overrides);
                case "student" -> s.putAll(overrides);
                case "distill" -> d.putAll(overrides);
                default -> throw new IllegalArgumentException("no role " + role);
            }
            return new Setup(data, t, s, d, sampleImages);
        }
    }

    /** The report and the figures it shows. */
    public record Outcome(Path report, ComparisonReport.Summary summary) {}

    private Quickstart() {}

    /**
     * Runs every phase into {@code out}.
     *
     * @param seeds the students' seeds (each gets a student alone and a distilled student); the teacher is shared
     * @param teacherRun an already trained teacher to reuse instead of training one (null: train it into OUT/teacher);
     *     it must have been trained on this setup's data
     * @param force delete {@code out} first if it exists; without it an existing non-empty {@code out} is refused
     * @param log phase lines and progress bars
     */
    public static Outcome run(Setup setup, ComponentRegistry registry, Path out, List<Long> seeds, Path teacherRun,
            boolean force, PrintStream log) {
        if (seeds.isEmpty()) {
            throw new InvalidInputException("quickstart: at least one student seed is needed");
        }
        if (teacherRun != null && !RunFolder.at(teacherRun).hasEvaluations()) {
            throw new InvalidInputException("--teacher " + teacherRun + ": not a trained run folder (no "
                    + RunFolder.EVALUATIONS + ")");
        }
        // Resolve every configuration before anything is written: a bad key fails in a second, not after the teacher.
        Path data = out.resolve("data");
        ConfigResolver resolver = new ConfigResolver(registry, Pipelines.schema());
        ResolvedConfig teacherConfig = resolver.resolve(teacherKeys(setup, data));
        Path teacherDir = teacherRun != null ? teacherRun : out.resolve("teacher");
        List<ResolvedConfig[]> students = new ArrayList<>();
        for (long seed : seeds) {
            students.add(new ResolvedConfig[] {resolver.resolve(studentKeys(setup, data, seed)),
                resolver.resolve(distilledKeys(setup, data, seed, teacherDir))});
        }
        prepare(out, force);

        int phases = 3 + 2 * seeds.size();
        Phases p = new Phases(phases, log);
        p.start("synthetic data (" + setup.data().preset().name().toLowerCase(Locale.ROOT) + ", "
                + setup.data().images() + " images of " + setup.data().size() + " px)");
        DetectionDataset val;
        try (ProgressBar bar = ProgressBar.stderr("synthetic", setup.data().images(), "img")) {
            val = SynthDatasetWriter.write(setup.data(), data, bar).val();
        }
        p.done("");

        ComparisonReport.Run teacher = new ComparisonReport.Run("teacher", teacherDir);
        if (teacherRun == null) {
            p.start("teacher: " + describe(teacherConfig));
            TrainingRun.Outcome t = TrainingRun.train(teacherConfig, teacherDir, false, false, log);
            p.done(apLine(t.finalMetrics()));
        } else {
            p.start("teacher: reusing " + teacherRun);
            p.done(apLine(ComparisonReport.finalMetrics(teacher)));
        }

        List<ComparisonReport.Seed> pairs = new ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            long seed = seeds.get(i);
            Path aloneDir = out.resolve("student-seed-" + seed);
            Path distilledDir = out.resolve("distilled-seed-" + seed);
            p.start("student alone, seed " + seed + ": " + describe(students.get(i)[0]));
            TrainingRun.Outcome a = TrainingRun.train(students.get(i)[0], aloneDir, false, false, log);
            p.done(apLine(a.finalMetrics()));
            p.start("distilled student, seed " + seed + ": " + setup.distill().getOrDefault("distill.losses", "?")
                    + " losses, ratio " + setup.distill().getOrDefault("distill.ratio", "1:1"));
            DistillationRun.Outcome d = DistillationRun.distill(students.get(i)[1], registry, distilledDir, false, false,
                    log);
            p.done(apLine(d.run().finalMetrics()));
            String suffix = seeds.size() > 1 ? " (seed " + seed + ")" : "";
            pairs.add(new ComparisonReport.Seed(seed, new ComparisonReport.Run("student alone" + suffix, aloneDir),
                    new ComparisonReport.Run("distilled student" + suffix, distilledDir)));
        }

        p.start("report");
        ComparisonReport.Comparison comparison = new ComparisonReport.Comparison("hdkd quickstart: distillation on "
                + "synthetic '" + setup.data().preset().name().toLowerCase(Locale.ROOT) + "' scenes",
                setupText(setup, teacherConfig, teacherDir), teacher, pairs);
        Path report = ComparisonReport.write(out.resolve("report.html"), comparison, val, setup.sampleImages());
        ComparisonReport.Summary summary = ComparisonReport.summarize(comparison);
        p.done(String.format(Locale.ROOT, "mean gain %+.4f AP over %d seed(s)", summary.meanGain(),
                summary.seeds().size()));
        return new Outcome(report, summary);
    }

    static Map<String, String> teacherKeys(Setup setup, Path data) {
        Map<String, String> m = new LinkedHashMap<>(setup.teacher());
        m.put("run.seed", String.valueOf(TEACHER_SEED));
        dataKeys(m, data);
        return m;
    }

    static Map<String, String> studentKeys(Setup setup, Path data, long seed) {
        Map<String, String> m = new LinkedHashMap<>(setup.student());
        m.put("run.seed", String.valueOf(seed));
        dataKeys(m, data);
        return m;
    }

    static Map<String, String> distilledKeys(Setup setup, Path data, long seed, Path teacherDir) {
        Map<String, String> m = studentKeys(setup, data, seed);
        m.putAll(setup.distill());
        m.put("teacher.run", teacherDir.toAbsolutePath().toString());
        return m;
    }

    private static void dataKeys(Map<String, String> m, Path data) {
        m.put("dataset.synthetic", "none");
        m.put("dataset.root", data.toAbsolutePath().toString());
    }

    private static void prepare(Path out, boolean force) {
        Directories.clearOrRefuse(out, force, "--force to delete it and start over");
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
        }
    }

    private static String describe(ResolvedConfig c) {
        Map<String, String> m = c.asMap();
        return String.format(Locale.ROOT, "%s x%s + %s %s ch + %s, %s epochs", m.get("model.backbone.type"),
                m.getOrDefault("model.backbone.width", "1"), m.get("model.neck.type"),
                m.getOrDefault("model.neck.channels", "?"), m.get("model.head.type"), m.get("train.epochs"));
    }

    private static String setupText(Setup setup, ResolvedConfig teacherConfig, Path teacherDir) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "data:      synthetic %s, %d images of %d px (%d val), seed %d%n",
                setup.data().preset().name().toLowerCase(Locale.ROOT), setup.data().images(), setup.data().size(),
                setup.data().valImages(), setup.data().seed()));
        s.append("teacher:   ").append(describe(teacherConfig)).append(" (").append(teacherDir).append(")\n");
        s.append("student:   ").append(keys(setup.student(), "model.", "train.epochs")).append('\n');
        s.append("distilled: the student's configuration, same budget and seed, plus ")
                .append(keys(setup.distill(), "distill.", "")).append('\n');
        return s.toString();
    }

    private static String keys(Map<String, String> m, String prefix, String extra) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            if (e.getKey().startsWith(prefix) || e.getKey().equals(extra)) {
                s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        return s.toString();
    }

    private static String apLine(Map<String, Double> m) {
        return String.format(Locale.ROOT, "AP %.4f  AP50 %.4f  AP75 %.4f", m.getOrDefault("AP", Double.NaN),
                m.getOrDefault("AP50", Double.NaN), m.getOrDefault("AP75", Double.NaN));
    }

    /** A resource configuration of the quickstart, as keys and values. */
    static Map<String, String> resource(String name) {
        String path = RESOURCES + name + ".properties";
        Properties p = new Properties();
        try (InputStream in = Quickstart.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path + " next to " + Quickstart.class.getName());
            }
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k.strip(), p.getProperty(k).strip()));
        return m;
    }

    /** Numbered phase lines with their wall time: {@code quickstart [2/5] teacher ... done in 5m12s: AP ...}. */
    private static final class Phases {

        private final int total;
        private final PrintStream log;
        private int index;
        private long started;
        private final long begin = System.nanoTime();

        Phases(int total, PrintStream log) {
            this.total = total;
            this.log = log;
        }

        void start(String what) {
            index++;
            started = System.nanoTime();
            log.println(String.format(Locale.ROOT, "quickstart [%d/%d] %s", index, total, what));
            log.flush();
        }

        void done(String result) {
            long now = System.nanoTime();
            log.println(String.format(Locale.ROOT, "quickstart [%d/%d] done in %s (total %s)%s", index, total,
                    duration(now - started), duration(now - begin), result.isEmpty() ? "" : ": " + result));
            log.flush();
        }

        private static String duration(long nanos) {
            long s = Math.round(nanos / 1e9);
            return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
        }
    }
}
