package io.hdkd.core.cli;

import io.hdkd.core.bench.BenchReport;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.eval.CocoEvaluator;
import io.hdkd.core.eval.CocoStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd bench eval}: times the COCO evaluator on synthetic ground truth and detections generated in memory
 * (a mix of jittered true boxes, wrong classes and random false positives, COCO-like object sizes).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Time the COCO bbox evaluator on synthetic ground truth and detections.")
public final class BenchEvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--images", defaultValue = "5000", description = "Images (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--dets", defaultValue = "100", description = "Detections per image (default ${DEFAULT-VALUE}).")
    int detsPerImage;

    @Option(names = "--classes", defaultValue = "80", description = "Categories (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--runs", defaultValue = "5", description = "Timed evaluations (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (images < 1 || detsPerImage < 0 || classes < 1 || runs < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--images, --classes and --runs must be >= 1 and --dets >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        SplittableRandom random = new SplittableRandom(seed);
        DetectionDataset gt = groundTruth(random);
        List<CocoDetection> dets = detections(gt, random);
        out.println("images " + images);
        out.println("detections " + dets.size());
        out.flush();
        CocoStats stats = CocoEvaluator.evaluate(gt, dets); // warm-up, and a sanity figure
        double[] millis = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            CocoEvaluator.evaluate(gt, dets);
            millis[r] = (System.nanoTime() - t0) / 1e6;
        }
        out.println(String.format(Locale.ROOT, "AP %.6f", stats.ap()));
        double median = BenchReport.median(millis);
        BenchReport.print(out, median, images / (median / 1000));
        return ExitCodes.OK;
    }

    private DetectionDataset groundTruth(SplittableRandom random) {
        List<Category> cats = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            cats.add(new Category(k * 2 + 1, "class" + k)); // non-contiguous ids, as in COCO
        }
        List<ImageRecord> records = new ArrayList<>(images);
        long annId = 1;
        for (int i = 0; i < images; i++) {
            int n = random.nextInt(16);
            List<ObjectAnnotation> objs = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                // Side lengths log-uniform in [8, 400]: a COCO-like mix of small, medium and large.
                double w = Math.exp(random.nextDouble(Math.log(8), Math.log(400)));
                double h = Math.exp(random.nextDouble(Math.log(8), Math.log(400)));
                double x = random.nextDouble(0, 640 - Math.min(w, 639));
                double y = random.nextDouble(0, 480 - Math.min(h, 479));
                boolean crowd = random.nextInt(100) == 0;
                objs.add(new ObjectAnnotation(annId++, random.nextInt(classes), x, y, w, h, w * h * 0.8, crowd));
            }
            records.add(new ImageRecord(i + 1, "synthetic_" + (i + 1) + ".jpg", 640, 480, objs));
        }
        return new DetectionDataset(Path.of("."), cats, records);
    }

    private List<CocoDetection> detections(DetectionDataset gt, SplittableRandom random) {
        List<CocoDetection> dets = new ArrayList<>(images * detsPerImage);
        for (ImageRecord image : gt.images()) {
            List<ObjectAnnotation> objs = image.objects();
            for (int d = 0; d < detsPerImage; d++) {
                double score = random.nextDouble();
                if (!objs.isEmpty() && random.nextInt(3) > 0) {
                    // A jittered copy of a true box, sometimes with the wrong class.
                    ObjectAnnotation o = objs.get(random.nextInt(objs.size()));
                    int k = random.nextInt(10) == 0 ? random.nextInt(classes) : o.classIndex();
                    double jx = o.width() * random.nextDouble(-0.2, 0.2);
                    double jy = o.height() * random.nextDouble(-0.2, 0.2);
                    double sw = random.nextDouble(0.8, 1.2);
                    double sh = random.nextDouble(0.8, 1.2);
                    dets.add(new CocoDetection(image.id(), gt.categories().get(k).cocoId(), o.x() + jx, o.y() + jy,
                            o.width() * sw, o.height() * sh, Math.min(1, score + 0.3)));
                } else {
                    double w = random.nextDouble(4, 300);
                    double h = random.nextDouble(4, 300);
                    dets.add(new CocoDetection(image.id(), gt.categories().get(random.nextInt(classes)).cocoId(),
                            random.nextDouble(0, 640 - w), random.nextDouble(0, 480 - Math.min(h, 479)), w, h,
                            score * 0.7));
                }
            }
        }
        return dets;
    }
}
