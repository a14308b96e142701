package io.hdkd.core.sweep;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.util.Statistics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's results, one row per grid point: how many of its seeds finished, and the mean and sample standard
 * deviation over them of the final evaluation's AP and AP50 (the last line of each run's {@code eval.jsonl}). Rows
 * are ranked by mean AP, then mean AP50; points with no finished run come last.
 */
public final class SweepTable {

    static final String CSV = "results.csv";
    static final String HTML = "results.html";
    static final List<String> METRICS = List.of("AP", "AP50");

    /**
     * One grid point.
     *
     * @param values per metric, the final value of each finished run (seed order)
     * @param failed the names of its failed runs
     */
    public record Row(Map<String, String> setting, int runs, Map<String, List<Double>> values, List<String> failed) {

        public int finished() {
            return values.get(METRICS.get(0)).size();
        }

        public double mean(String metric) {
            return values.get(metric).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        /** Sample standard deviation (n - 1); NaN for fewer than two runs ({@link Statistics}). */
        public double spread(String metric) {
            return Statistics.sampleStandardDeviation(
                    values.get(metric).stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    private final SweepGrid grid;
    private final List<Row> rows;

    private SweepTable(SweepGrid grid, List<Row> rows) {
        this.grid = grid;
        this.rows = List.copyOf(rows);
    }

    /** The ranked rows. */
    public List<Row> rows() {
        return rows;
    }

    /** Builds the table from the outcomes of a sweep whose run folders are under {@code out}. */
    public static SweepTable of(SweepGrid grid, List<SweepOutcome> outcomes, Path out) {
        Map<Map<String, String>, List<SweepOutcome>> bySetting = new LinkedHashMap<>();
        for (SweepOutcome o : outcomes) {
            bySetting.computeIfAbsent(o.run().setting(), k -> new ArrayList<>()).add(o);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Map<String, String>, List<SweepOutcome>> e : bySetting.entrySet()) {
            Map<String, List<Double>> values = new LinkedHashMap<>();
            METRICS.forEach(m -> values.put(m, new ArrayList<>()));
            List<String> failed = new ArrayList<>();
            for (SweepOutcome o : e.getValue()) {
                Map<String, Double> last = o.succeeded() ? lastEvaluation(out.resolve(o.run().name())) : null;
                if (last == null || !last.keySet().containsAll(METRICS)) {
                    failed.add(o.run().name());
                    continue;
                }
                METRICS.forEach(m -> values.get(m).add(last.get(m)));
            }
            rows.add(new Row(e.getKey(), e.getValue().size(), values, failed));
        }
        Comparator<Row> byFinished = Comparator.comparing(r -> r.finished() == 0);
        Comparator<Row> ranked = byFinished
                .thenComparing(Comparator.comparingDouble((Row r) -> r.finished() == 0 ? 0 : r.mean("AP")).reversed())
                .thenComparing(Comparator.comparingDouble((Row r) -> r.finished() == 0 ? 0 : r.mean("AP50"))
                        .reversed());
        rows.sort(ranked);
        return new SweepTable(grid, rows);
    }

    /** The run's last evaluation; null if it has none or its file is damaged (the run then counts as failed). */
    private static Map<String, Double> lastEvaluation(Path runDir) {
        try {
            return RunFolder.at(runDir).lastEvaluation().orElse(null);
        } catch (InvalidInputException damaged) {
            return null;
        }
    }

    /** Writes {@code results.csv} and {@code results.html} into {@code out}, atomically. */
    public void write(Path out) {
        AtomicFiles.writeString(out.resolve(CSV), csv());
        AtomicFiles.writeString(out.resolve(HTML), html());
    }

    /** rank, setting, one column per grid key, runs, finished, per metric mean and std, failed runs. */
    public String csv() {
        List<String> header = new ArrayList<>(List.of("rank", "setting"));
        header.addAll(grid.axes().keySet());
        header.addAll(List.of("runs", "finished"));
        for (String m : METRICS) {
            header.add(m + "_mean");
            header.add(m + "_std");
        }
        header.add("failed");
        StringBuilder sb = new StringBuilder(String.join(",", header.stream().map(SweepTable::csvField).toList()))
                .append('\n');
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            List<String> f = new ArrayList<>();
            f.add(Integer.toString(i + 1));
            f.add(SweepRun.settingLabel(r.setting()));
            grid.axes().keySet().forEach(k -> f.add(r.setting().getOrDefault(k, "")));
            f.add(Integer.toString(r.runs()));
            f.add(Integer.toString(r.finished()));
            for (String m : METRICS) {
                f.add(number(r.mean(m)));
                f.add(number(r.spread(m)));
            }
            f.add(String.join(" ", r.failed()));
            sb.append(String.join(",", f.stream().map(SweepTable::csvField).toList())).append('\n');
        }
        return sb.toString();
    }

    /** The same table as a standalone HTML page. */
    public String html() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>hdkd sweep"
                + "</title><style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid "
                + "#ccc;padding:4px 8px;text-align:right}td.s{text-align:left}tr.failed{color:#a00}</style></head>"
                + "<body><h1>hdkd sweep</h1><p>Final AP and AP50 per setting: mean &plusmn; sample standard deviation"
                + " over the finished seeds, ranked by mean AP.</p><table><tr><th>rank</th><th>setting</th>"
                + "<th>finished / runs</th>");
        METRICS.forEach(m -> sb.append("<th>").append(m).append("</th>"));
        sb.append("<th>failed runs</th></tr>");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(r.failed().isEmpty() ? "<tr>" : "<tr class=\"failed\">");
            sb.append("<td>").append(i + 1).append("</td><td class=\"s\">")
                    .append(escape(SweepRun.settingLabel(r.setting()))).append("</td><td>").append(r.finished())
                    .append(" / ").append(r.runs()).append("</td>");
            for (String m : METRICS) {
                sb.append("<td>");
                if (r.finished() > 0) {
                    sb.append(number(r.mean(m)));
                    if (r.finished() > 1) {
                        sb.append(" &plusmn; ").append(number(r.spread(m)));
                    }
                } else {
                    sb.append("&ndash;");
                }
                sb.append("</td>");
            }
            sb.append("<td class=\"s\">").append(escape(String.join(", ", r.failed()))).append("</td></tr>");
        }
        return sb.append("</table></body></html>\n").toString();
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
