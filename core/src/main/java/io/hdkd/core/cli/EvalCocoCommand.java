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
    public static final String FOUND_SHARE = CocoStatsReport.FOUND_SHARE;

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

    @Mixin
    OverwritePermission overwrite;

    @Override
    public Integer call() {
        if (output != null) {
            overwrite.check(output);
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
        String report = CocoStatsReport.format(stats, perClass);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report);
        out.flush();
        if (output != null) {
            AtomicFiles.writeString(output, report);
        }
        return ExitCodes.OK;
    }
}
