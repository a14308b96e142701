package io.hdkd.core.cli;

import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.data.coco.CocoReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd data check}: runs every check of the COCO reader (fields, ids, references, boxes, image files and
 * their sizes), prints every problem on its own line and a summary; exit 2 if anything is wrong.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check a COCO dataset: report every problem (one line each) and a summary; exit 2 on problems.")
public final class DataCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--annotations", required = true, paramLabel = "FILE", description = "COCO instances JSON.")
    Path annotations;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder the file names are in.")
    Path images;

    @Override
    public Integer call() {
        CocoReader.Result result = CocoReader.check(annotations, images);
        java.util.List<String> problems = new java.util.ArrayList<>(result.problems());
        if (problems.isEmpty() && result.dataset().images().isEmpty()) {
            // Nothing is wrong with any record, but there is nothing to train or evaluate on either.
            problems.add(annotations + ": the dataset holds no images (an empty 'images' list)");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String p : problems) {
            err.println(p);
        }
        err.flush();
        printSummary(out, result.dataset(), !problems.isEmpty());
        if (!problems.isEmpty()) {
            out.println("problems " + problems.size());
            out.flush();
            return ExitCodes.BAD_INPUT;
        }
        out.println("problems 0");
        out.flush();
        return ExitCodes.OK;
    }

    private static void printSummary(PrintWriter out, DetectionDataset ds, boolean partial) {
        int empty = 0;
        long objects = 0;
        long crowd = 0;
        long small = 0;
        long medium = 0;
        long large = 0;
        for (ImageRecord image : ds.images()) {
            if (image.objects().isEmpty()) {
                empty++;
            }
            for (ObjectAnnotation o : image.objects()) {
                objects++;
                if (o.crowd()) {
                    crowd++;
                } else if (o.area() < 32 * 32) {
                    small++;
                } else if (o.area() < 96 * 96) {
                    medium++;
                } else {
                    large++;
                }
            }
        }
        if (partial) {
            out.println("(counts below leave out the records with problems)");
        }
        out.println("images " + ds.images().size() + " (" + empty + " without annotations)");
        out.println("annotations " + objects + " (" + crowd + " crowd)");
        out.println("categories " + ds.numClasses());
        out.println("sizes small " + small + " medium " + medium + " large " + large
                + " (non-crowd, by area: < 32^2, < 96^2, >= 96^2)");
    }
}
