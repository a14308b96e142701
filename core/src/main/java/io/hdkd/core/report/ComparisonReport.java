package io.hdkd.core.report;

import com.google.gson.JsonObject;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.eval.CocoResults;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.predict.DetectionPainter;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.util.Statistics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The teacher / student alone / distilled student comparison as one self-contained HTML page (inline SVG charts,
 * images embedded as base64 PNG, no scripts, no network): the COCO table of every model, the distilled students' gain
 * over the students trained alone and the share of the teacher–student gap they recover (per seed, then mean and
 * spread over seeds), loss and validation-AP curves, and sample validation images with each model's detections.
 *
 * <p>Every model is a run folder as {@code hdkd train} or {@code hdkd distill} leaves it: {@code eval.jsonl} (its last
 * line is the model's final score), {@code metrics.jsonl}, {@code eval/detections_val.json}.
 */
public final class ComparisonReport {

    /** The COCO stats shown in the table. */
    static final List<String> STATS = List.of("AP", "AP50", "AP75", "APs", "APm", "APl");

    /** Detections below this score are not drawn (they are scored by COCO, but clutter a picture). */
    static final double DRAW_SCORE = 0.3;

    /** Drawn images are scaled up to at least this side so that the tags stay readable. */
    private static final int DRAW_MIN_SIDE = 256;

    /** One trained model: how the page names it and its run folder. */
    public record Run(String label, Path dir) {}

    /** The two students of one seed: trained alone, and distilled from the teacher with the same budget. */
    public record Seed(long seed, Run alone, Run distilled) {}

    /**
     * What to compare.
     *
     * @param setup free text shown under the title (the configurations, the loss); may be empty
     */
    public record Comparison(String title, String setup, Run teacher, List<Seed> seeds) {

        public Comparison {
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("a comparison needs at least one seed");
            }
            seeds = List.copyOf(seeds);
        }
    }

    /** One seed's AP figures. */
    public record SeedResult(long seed, double aloneAp, double distilledAp, double gain, double gapRecovered) {}

    /** The figures over all seeds. */
    public record Summary(double teacherAp, List<SeedResult> seeds, double meanGain, double gainStd, double minGain,
            double meanGapRecovered, int seedsImproved) {}

    private ComparisonReport() {}

    /**
     * The AP comparison: per seed the gain {@code distilled - alone} and the gap recovered
     * {@code gain / (teacher - alone)} (NaN when the teacher is not better than the student alone); over seeds the mean
     * gain, its sample standard deviation (0 for one seed), the smallest gain and the mean gap recovered.
     */
    public static Summary summarize(Comparison c) {
        double teacher = finalMetrics(c.teacher()).getOrDefault("AP", Double.NaN);
        List<SeedResult> rows = new ArrayList<>();
        for (Seed s : c.seeds()) {
            double alone = finalMetrics(s.alone()).getOrDefault("AP", Double.NaN);
            double distilled = finalMetrics(s.distilled()).getOrDefault("AP", Double.NaN);
            double gain = distilled - alone;
            double gap = teacher - alone;
            rows.add(new SeedResult(s.seed(), alone, distilled, gain, gap > 0 ? gain / gap : Double.NaN));
        }
        double mean = rows.stream().mapToDouble(SeedResult::gain).average().orElse(Double.NaN);
        double std = Statistics.sampleStandardDeviation(rows.stream().mapToDouble(SeedResult::gain).toArray());
        double min = rows.stream().mapToDouble(SeedResult::gain).min().orElse(Double.NaN);
        double recovered = rows.stream().mapToDouble(SeedResult::gapRecovered).average().orElse(Double.NaN);
        int improved = (int) rows.stream().filter(r -> r.gain() > 0).count();
        return new Summary(teacher, rows, mean, std, min, recovered, improved);
    }

    /**
     * Writes the page to {@code file} atomically and returns it.
     *
     * @param val the validation split the runs were scored on (images to draw, class names)
     * @param sampleImages how many validation images to draw (the first ones by id)
     * @throws InvalidInputException naming the file if a run folder lacks its evaluation
     */
    public static Path write(Path file, Comparison c, DetectionDataset val, int sampleImages) {
        Summary summary = summarize(c);
        List<Run> models = models(c);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(SvgChart.escape(c.title()))
                .append("</title><style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}"
                        + "table{border-collapse:collapse;margin:8px 0 16px}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}"
                        + "td.l,th.l{text-align:left}.charts,.samples{display:flex;flex-wrap:wrap;gap:16px}"
                        + "figure{margin:0}figcaption{font-size:12px;text-align:center}"
                        + ".good{color:#1a7f37}.bad{color:#c62828}pre{background:#f7f7f7;padding:8px}"
                        + "</style></head><body>");
        html.append("<h1>").append(SvgChart.escape(c.title())).append("</h1>");
        if (!c.setup().isBlank()) {
            html.append("<pre>").append(SvgChart.escape(c.setup())).append("</pre>");
        }
        html.append(summaryParagraph(summary));
        html.append("<h2>COCO metrics on the validation split</h2>").append(metricsTable(models));
        html.append("<h2>Distillation gain</h2>").append(gainTable(summary));
        html.append("<h2>Curves</h2><div class=\"charts\">");
        html.append(lossChart(models).render(620, 340));
        html.append(apChart(models).render(620, 340));
        Run distilled = c.seeds().get(0).distilled();
        html.append(TrainingReport.lossChart(RunFolder.at(distilled.dir()).stepRecords(),
                "Loss terms of " + distilled.label() + " (moving average)").render(620, 340));
        html.append("</div>");
        html.append(samples(c, val, sampleImages));
        html.append("<h2>Run folders</h2><ul>");
        for (Run r : models) {
            html.append("<li>").append(SvgChart.escape(r.label())).append(": <code>")
                    .append(SvgChart.escape(r.dir().toString())).append("</code> (")
                    .append(link(file, RunFolder.at(r.dir()).report())).append(")</li>");
        }
        html.append("</ul></body></html>\n");
        AtomicFiles.writeString(file, html.toString());
        return file;
    }

    /**
     * The last evaluation of a run: its {@code eval.jsonl}'s last line.
     *
     * @throws InvalidInputException naming the file if the run has none
     */
    public static Map<String, Double> finalMetrics(Run run) {
        return RunFolder.at(run.dir()).requireLastEvaluation(run.label());
    }

    private static List<Run> models(Comparison c) {
        List<Run> out = new ArrayList<>();
        out.add(c.teacher());
        for (Seed s : c.seeds()) {
            out.add(s.alone());
            out.add(s.distilled());
        }
        return out;
    }

    private static String summaryParagraph(Summary s) {
        StringBuilder p = new StringBuilder("<p>");
        if (s.seeds().size() == 1) {
            SeedResult r = s.seeds().get(0);
            p.append(String.format(Locale.ROOT, "Distillation changes the student's AP from %.4f to %.4f: ",
                    r.aloneAp(), r.distilledAp()));
            p.append(signed(r.gain())).append(" AP");
            if (Double.isFinite(r.gapRecovered())) {
                p.append(String.format(Locale.ROOT, ", %.0f%% of the gap to the teacher (AP %.4f)",
                        100 * r.gapRecovered(), s.teacherAp()));
            }
            p.append(".");
        } else {
            p.append(String.format(Locale.ROOT, "Over %d seeds the distilled student beats the student alone in %d; "
                    + "mean gain ", s.seeds().size(), s.seedsImproved()));
            p.append(signed(s.meanGain())).append(String.format(Locale.ROOT,
                    " AP (standard deviation %.4f, smallest %s)", s.gainStd(), formatSigned(s.minGain())));
            if (Double.isFinite(s.meanGapRecovered())) {
                p.append(String.format(Locale.ROOT, ", recovering on average %.0f%% of the gap to the teacher (AP %.4f)",
                        100 * s.meanGapRecovered(), s.teacherAp()));
            }
            p.append(".");
        }
        return p.append("</p>").toString();
    }

    private static String metricsTable(List<Run> models) {
        StringBuilder t = new StringBuilder("<table><tr><th class=\"l\">model</th>");
        STATS.forEach(k -> t.append("<th>").append(k).append("</th>"));
        t.append("<th>epochs</th></tr>");
        for (Run r : models) {
            Map<String, Double> m = finalMetrics(r);
            t.append("<tr><td class=\"l\">").append(SvgChart.escape(r.label())).append("</td>");
            for (String k : STATS) {
                double v = m.getOrDefault(k, Double.NaN);
                // pycocotools' -1: no ground truth in that size range
                t.append("<td>").append(v < 0 || !Double.isFinite(v) ? "&ndash;" : String.format(Locale.ROOT, "%.4f", v))
                        .append("</td>");
            }
            double epoch = m.getOrDefault("epoch", Double.NaN);
            t.append("<td>").append(Double.isFinite(epoch) ? String.valueOf((long) epoch) : "").append("</td></tr>");
        }
        return t.append("</table>").toString();
    }

    private static String gainTable(Summary s) {
        StringBuilder t = new StringBuilder("<table><tr><th>seed</th><th>student alone AP</th>"
                + "<th>distilled AP</th><th>gain</th><th>gap recovered</th></tr>");
        for (SeedResult r : s.seeds()) {
            t.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.4f</td><td>%.4f</td><td>%s</td><td>%s</td></tr>",
                    r.seed(), r.aloneAp(), r.distilledAp(), signed(r.gain()), percent(r.gapRecovered())));
        }
        if (s.seeds().size() > 1) {
            t.append(String.format(Locale.ROOT, "<tr><th>mean</th><th></th><th></th><th>%s &plusmn; %.4f</th>"
                    + "<th>%s</th></tr>", signed(s.meanGain()), s.gainStd(), percent(s.meanGapRecovered())));
        }
        t.append(String.format(Locale.ROOT, "</table><p>Teacher AP %.4f. Gap recovered = gain &divide; (teacher AP "
                + "&minus; student-alone AP).</p>", s.teacherAp()));
        return t.toString();
    }

    private static SvgChart lossChart(List<Run> models) {
        SvgChart chart = new SvgChart("Training loss, total (moving average)", "epoch", true);
        for (Run r : models) {
            List<JsonObject> steps = RunFolder.at(r.dir()).stepRecords();
            if (steps.isEmpty()) {
                continue;
            }
            // x in epochs, so runs with different batch counts share the axis
            double stepsPerEpoch = steps.stream().filter(o -> o.get("epoch").getAsInt() == 1).count();
            int window = Math.max(1, steps.size() / 50);
            double sum = 0;
            for (int i = 0; i < steps.size(); i++) {
                sum += steps.get(i).get("loss").getAsDouble();
                if (i >= window) {
                    sum -= steps.get(i - window).get("loss").getAsDouble();
                }
                chart.add(r.label(), (i + 1) / stepsPerEpoch, sum / Math.min(i + 1, window));
            }
        }
        return chart;
    }

    private static SvgChart apChart(List<Run> models) {
        SvgChart chart = new SvgChart("Validation AP", "epoch", false);
        for (Run r : models) {
            for (JsonObject o : RunFolder.at(r.dir()).evaluationRecords()) {
                if (o.has("AP") && o.has("epoch")) {
                    chart.add(r.label(), o.get("epoch").getAsDouble(), o.get("AP").getAsDouble());
                }
            }
        }
        return chart;
    }

    /** Ground truth, then teacher, student alone and distilled student (first seed) on the first val images. */
    private static String samples(Comparison c, DetectionDataset val, int count) {
        if (count <= 0 || val.images().isEmpty()) {
            return "";
        }
        Seed first = c.seeds().get(0);
        List<Run> drawn = List.of(c.teacher(), first.alone(), first.distilled());
        Map<Integer, String> names = new HashMap<>();
        for (Category cat : val.categories()) {
            names.put(cat.cocoId(), cat.name());
        }
        List<Map<Long, List<CocoDetection>>> byImage = new ArrayList<>();
        for (Run r : drawn) {
            Map<Long, List<CocoDetection>> m = new HashMap<>();
            for (CocoDetection d : CocoResults.read(RunFolder.at(r.dir()).valDetections())) {
                if (d.score() >= DRAW_SCORE) {
                    m.computeIfAbsent(d.imageId(), k -> new ArrayList<>()).add(d);
                }
            }
            byImage.add(m);
        }
        List<ImageRecord> images = val.images().stream().sorted(Comparator.comparingLong(ImageRecord::id))
                .limit(count).toList();
        StringBuilder html = new StringBuilder(String.format(Locale.ROOT,
                "<h2>Validation samples</h2><p>Detections with score &ge; %.2f; ground truth on the left.</p>",
                DRAW_SCORE));
        for (ImageRecord rec : images) {
            BufferedImage image = read(val.imageDir().resolve(rec.fileName()));
            html.append("<div class=\"samples\">");
            List<CocoDetection> truth = new ArrayList<>();
            for (ObjectAnnotation a : rec.objects()) {
                truth.add(new CocoDetection(rec.id(), val.categories().get(a.classIndex()).cocoId(), a.x(), a.y(),
                        a.width(), a.height(), 1.0));
            }
            html.append(figure(image, truth, names, "ground truth (image " + rec.id() + ")"));
            for (int i = 0; i < drawn.size(); i++) {
                html.append(figure(image, byImage.get(i).getOrDefault(rec.id(), List.of()), names,
                        drawn.get(i).label()));
            }
            html.append("</div>");
        }
        return html.toString();
    }

    private static String figure(BufferedImage image, List<CocoDetection> dets, Map<Integer, String> names,
            String caption) {
        int scale = Math.max(1, (int) Math.ceil((double) DRAW_MIN_SIDE / Math.min(image.getWidth(),
                image.getHeight())));
        BufferedImage big = scale == 1 ? image : upscale(image, scale);
        List<CocoDetection> scaled = dets.stream().map(d -> new CocoDetection(d.imageId(), d.categoryId(),
                d.x() * scale, d.y() * scale, d.width() * scale, d.height() * scale, d.score())).toList();
        BufferedImage painted = DetectionPainter.paint(big, scaled, names);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(painted, "png", png)) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a sample image: " + e.getMessage(), e);
        }
        return "<figure><img alt=\"" + SvgChart.escape(caption) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"><figcaption>" + SvgChart.escape(caption)
                + " &middot; " + dets.size() + (dets.size() == 1 ? " box" : " boxes") + "</figcaption></figure>";
    }

    private static BufferedImage upscale(BufferedImage image, int scale) {
        BufferedImage out = new BufferedImage(image.getWidth() * scale, image.getHeight() * scale,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage read(Path file) {
        try {
            BufferedImage image = Files.isRegularFile(file) ? ImageIO.read(file.toFile()) : null;
            if (image == null) {
                throw new InvalidInputException(file + ": not a readable image (a validation sample of the report)");
            }
            return image;
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A relative link from the page to {@code target} when both are on the same tree, else an absolute one. */
    private static String link(Path page, Path target) {
        Path base = page.toAbsolutePath().normalize().getParent();
        Path t = target.toAbsolutePath().normalize();
        String href;
        try {
            href = base.relativize(t).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) {
            href = t.toUri().toString();
        }
        return "<a href=\"" + SvgChart.escape(href) + "\">its report</a>";
    }

    private static String signed(double v) {
        String s = formatSigned(v);
        if (!Double.isFinite(v) || v == 0) {
            return s;
        }
        return "<span class=\"" + (v > 0 ? "good" : "bad") + "\">" + s + "</span>";
    }

    private static String formatSigned(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.4f", v) : "n/a";
    }

    private static String percent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : "n/a";
    }
}
