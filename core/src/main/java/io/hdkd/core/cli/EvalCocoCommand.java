package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.coco.CocoReader;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.eval.CocoEvaluator;
import io.hdkd.core.eval.CocoStats;
import io.hdkd.core.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd eval-coco GT.json DETS.json}: COCO bbox mAP of a results file, the 12 numbers pycocotools prints,
 * one {@code name value} per line, then the share of objects found.
 */
@Command(name = "eval-coco", mixinStandardHelpOptions = true,
        description = "COCO bbox mAP of detections (COCO results JSON) against COCO ground truth, as pycocotools.")
public final class EvalCocoCommand implements Callable<Integer> {

    /** The name of the found-share line: non-crowd objects with a right-class detection at IoU >= 0.5. */
    public static final String FOUND_SHARE = "found_share_iou50";

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Parameters(index = "0", paramLabel = "GT.json", description = "COCO instances file (ground truth).")
    Path groundTruth;

    @Parameters(index = "1", paramLabel = "DETS.json", description = "Detections in COCO results format.")
    Path detections;

    @Option(names = "--per-class", description = "Also print AP, AP50 and the object count of every class.")
    boolean perClass;

    @Option(names = "--output", paramLabel = "FILE", description = "Also write the report to FILE (atomically).")
    Path output;

    @Option(names = "--force", description = "Overwrite --output if it exists.")
    boolean force;

    @Override
    public Integer call() {
        if (output != null) {
            AtomicFiles.checkWritable(output, force);
        }
        DetectionDataset gt = CocoReader.read(groundTruth, groundTruth.toAbsolutePath().getParent(),
                CocoReader.Options.FOR_EVALUATION).dataset();
        List<CocoDetection> dets = io.hdkd.core.eval.CocoResults.read(detections);
        CocoStats stats;
        try {
            stats = CocoEvaluator.evaluate(gt, dets);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(detections + ": " + e.getMessage(), e);
        }
        String report = format(stats, perClass);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report);
        out.flush();
        if (output != null) {
            AtomicFiles.writeString(output, report);
        }
        return ExitCodes.OK;
    }

    /** The report: the 12 stats with 6 decimals in pycocotools' order, the found share, the optional class table. */
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
