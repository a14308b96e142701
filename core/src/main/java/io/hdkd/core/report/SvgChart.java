package io.hdkd.core.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small, dependency-free line chart rendered as inline SVG: named series of (x, y) points on shared axes, with
 * ticks, a legend and an optional log-scaled y axis (losses span decades).
 */
public final class SvgChart {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f"};

    private final String title;
    private final String xLabel;
    private final boolean logY;
    private final Map<String, List<double[]>> series = new LinkedHashMap<>();

    public SvgChart(String title, String xLabel, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.logY = logY;
    }

    /** Adds a point to a series (created on first use); non-finite values, and non-positive ones on a log axis, are skipped. */
    public SvgChart add(String name, double x, double y) {
        if (Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0)) {
            series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {x, y});
        }
        return this;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    public String render(int width, int height) {
        int left = 64;
        int right = 16;
        int top = 28;
        int bottom = 44;
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                double y = ty(p[1]);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">",
                width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>",
                left, escape(title)));
        if (series.isEmpty()) {
            svg.append("<text x=\"").append(left).append("\" y=\"60\">no data</text></svg>");
            return svg.toString();
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        if (maxY == minY) {
            maxY = minY + (logY ? 1 : Math.max(1e-9, Math.abs(minY) * 0.1 + 1e-9));
        }
        double pw = width - left - right;
        double ph = height - top - bottom;
        double fx0 = minX;
        double fx1 = maxX;
        double fy0 = minY;
        double fy1 = maxY;
        java.util.function.DoubleUnaryOperator sx = x -> left + (x - fx0) / (fx1 - fx0) * pw;
        java.util.function.DoubleUnaryOperator sy = y -> top + ph - (y - fy0) / (fy1 - fy0) * ph;
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>", left, top, pw, ph));
        for (int i = 0; i <= 4; i++) {
            double yv = minY + (maxY - minY) * i / 4;
            double py = sy.applyAsDouble(yv);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    left, py, left + pw, py, left - 4, py + 4, number(logY ? Math.pow(10, yv) : yv)));
            double xv = minX + (maxX - minX) * i / 4;
            double px = sx.applyAsDouble(xv);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", px,
                    top + ph + 14, number(xv)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                left + pw / 2, height - 6, escape(xLabel + (logY ? " (log y)" : ""))));
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : e.getValue()) {
                path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f ",
                        sx.applyAsDouble(p[0]), sy.applyAsDouble(ty(p[1]))));
            }
            svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"1.5\"/>");
            if (e.getValue().size() <= 40) {
                for (double[] p : e.getValue()) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>",
                            sx.applyAsDouble(p[0]), sy.applyAsDouble(ty(p[1])), colour));
                }
            }
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">%s</text>",
                    left + pw - 150, top + 10 + 14 * i, colour, left + pw - 136, top + 14 + 14 * i, escape(e.getKey())));
            i++;
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private double ty(double y) {
        return logY ? Math.log10(y) : y;
    }

    private static String number(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
