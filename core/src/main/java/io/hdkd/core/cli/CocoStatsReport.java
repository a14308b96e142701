package io.hdkd.core.cli;

import io.hdkd.core.eval.CocoStats;
import java.util.Locale;

/**
 * The text report of COCO scores that {@code hdkd eval-coco} and {@code hdkd eval} print: the 12 stats with 6
 * decimals in pycocotools' order, one {@code name value} per line, the found share, and optionally a class table.
 */
final class CocoStatsReport {

    /** The name of the found-share line: non-crowd objects with a right-class detection at IoU >= 0.5. */
    static final String FOUND_SHARE = "found_share_iou50";

    private CocoStatsReport() {}

    static String format(CocoStats stats, boolean perClass) {
        StringBuilder sb = new StringBuilder();
        double[] s = stats.stats();
        for (int i = 0; i < s.length; i++) {
            sb.append(String.format(Locale.ROOT, "%s %.6f%n", CocoStats.NAMES.get(i), s[i]));
        }
        double found = stats.gtCount() == 0 ? -1 : stats.foundShare();
        sb.append(String.format(Locale.ROOT, "%s %.6f%n", FOUND_SHARE, found));
        if (perClass) {
            int width = "class".length();
            for (CocoStats.ClassResult c : stats.perClass()) {
                width = Math.max(width, c.name().length());
            }
            String row = "%-" + width + "s %9s %9s %7s%n";
            sb.append(String.format(Locale.ROOT, row, "class", "AP", "AP50", "#GT"));
            for (CocoStats.ClassResult c : stats.perClass()) {
                sb.append(String.format(Locale.ROOT, row, c.name(), String.format(Locale.ROOT, "%.6f", c.ap()),
                        String.format(Locale.ROOT, "%.6f", c.ap50()), c.gtCount()));
            }
        }
        return sb.toString();
    }
}
