package io.hdkd.core.report;

import com.google.gson.JsonObject;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.run.RunFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's {@code report.html}: loss curves (total and each term, smoothed), learning rate, and the evaluation
 * metrics over epochs, drawn from the run's metrics files. Self-contained: inline SVG, no scripts, no network.
 */
public final class TrainingReport {

    private TrainingReport() {}

    /** Writes {@code runDir/report.html} from {@code runDir}'s metrics files and returns its path. */
    public static Path write(Path runDir, String title) {
        RunFolder folder = RunFolder.at(runDir);
        List<JsonObject> steps = folder.stepRecords();
        List<JsonObject> evals = folder.evaluationRecords();
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(SvgChart.escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:24px;color:#222}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "th{background:#f4f4f4}.charts{display:flex;flex-wrap:wrap;gap:16px}</style></head><body>");
        html.append("<h1>").append(SvgChart.escape(title)).append("</h1>");
        html.append("<div class=\"charts\">");
        html.append(lossChart(steps).render(560, 320));
        html.append(lrChart(steps).render(560, 320));
        SvgChart evalChart = evalChart(evals);
        if (!evalChart.isEmpty()) {
            html.append(evalChart.render(560, 320));
        }
        html.append("</div>");
        html.append(evalTable(evals));
        html.append("<p>Data: <code>").append(RunFolder.STEPS).append("</code>, <code>").append(RunFolder.EVALUATIONS)
                .append("</code> in this folder.</p></body></html>\n");
        Path out = folder.report();
        AtomicFiles.writeString(out, html.toString());
        return out;
    }

    static SvgChart lossChart(List<JsonObject> steps) {
        return lossChart(steps, "Training loss (moving average)");
    }

    /** The total loss and each term, smoothed, over steps. */
    static SvgChart lossChart(List<JsonObject> steps, String title) {
        SvgChart chart = new SvgChart(title, "step", true);
        List<String> keys = new ArrayList<>();
        keys.add("loss");
        if (!steps.isEmpty()) {
            for (String k : steps.get(0).keySet()) {
                if (k.startsWith("loss_")) {
                    keys.add(k);
                }
            }
        }
        int window = Math.max(1, steps.size() / 50);
        for (String k : keys) {
            double[] ys = new double[steps.size()];
            for (int i = 0; i < steps.size(); i++) {
                ys[i] = steps.get(i).has(k) ? steps.get(i).get(k).getAsDouble() : Double.NaN;
            }
            for (int i = 0; i < steps.size(); i++) {
                double sum = 0;
                int n = 0;
                for (int j = Math.max(0, i - window + 1); j <= i; j++) {
                    if (Double.isFinite(ys[j])) {
                        sum += ys[j];
                        n++;
                    }
                }
                if (n > 0) {
                    chart.add(k.equals("loss") ? "total" : k.substring(5), steps.get(i).get("step").getAsDouble(), sum / n);
                }
            }
        }
        return chart;
    }

    static SvgChart lrChart(List<JsonObject> steps) {
        SvgChart chart = new SvgChart("Learning rate", "step", false);
        for (JsonObject o : steps) {
            chart.add("lr", o.get("step").getAsDouble(), o.get("lr").getAsDouble());
        }
        return chart;
    }

    static SvgChart evalChart(List<JsonObject> evals) {
        SvgChart chart = new SvgChart("Validation", "epoch", false);
        for (JsonObject o : evals) {
            for (Map.Entry<String, com.google.gson.JsonElement> e : o.entrySet()) {
                String k = e.getKey();
                if (k.equals("AP") || k.equals("AP50") || k.equals("AP75") || k.equals("found")) {
                    chart.add(k, o.get("epoch").getAsDouble(), e.getValue().getAsDouble());
                }
            }
        }
        return chart;
    }

    private static String evalTable(List<JsonObject> evals) {
        if (evals.isEmpty()) {
            return "<p>No evaluation was run.</p>";
        }
        List<String> keys = new ArrayList<>(evals.get(evals.size() - 1).keySet());
        StringBuilder t = new StringBuilder("<h2>Evaluations</h2><table><tr>");
        keys.forEach(k -> t.append("<th>").append(SvgChart.escape(k)).append("</th>"));
        t.append("</tr>");
        for (JsonObject o : evals) {
            t.append("<tr>");
            for (String k : keys) {
                String v = "";
                if (o.has(k)) {
                    double d = o.get(k).getAsDouble();
                    v = d == Math.rint(d) && Math.abs(d) < 1e9 ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.4f", d);
                }
                t.append("<td>").append(v).append("</td>");
            }
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }
}
