package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.coco.CocoReader;
import io.hdkd.core.eval.CocoResults;
import io.hdkd.core.pipeline.DatasetSection;
import io.hdkd.core.pipeline.Evaluation;
import io.hdkd.core.pipeline.SavedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd eval --run RUN [--annotations FILE --images DIR] [--per-class] [--out FILE] [--force]}: scores a run's
 * trained model with the exact COCO evaluator, on the run's own validation split or on given COCO files, printing
 * what {@code hdkd eval-coco} prints and writing the detections as a COCO results file.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"COCO bbox mAP of a run's trained model, on the run's validation split or on given COCO files.",
            "Prints the 12 pycocotools stats and the found share (as eval-coco) and writes the detections (COCO results "
                    + "JSON)."})
public final class EvalCommand implements Callable<Integer> {

    /** Where the detections go unless --out says otherwise, relative to the run folder. */
    static final String DEFAULT_OUT = "eval/detections.json";

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    ModelRunArgs run;

    @Option(names = "--annotations", paramLabel = "FILE",
            description = "COCO instances JSON to evaluate on (with --images; default: the run's validation split).")
    Path annotations;

    @Option(names = "--images", paramLabel = "DIR", description = "The image folder of --annotations.")
    Path images;

    @Option(names = "--per-class", description = "Also print AP, AP50 and the object count of every class.")
    boolean perClass;

    @Option(names = "--out", paramLabel = "FILE",
            description = "The detections file (COCO results JSON; default RUN/" + DEFAULT_OUT + ").")
    Path out;

    @Mixin
    OverwritePermission overwrite;

    @Override
    public Integer call() {
        if ((annotations == null) != (images == null)) {
            throw new InvalidInputException("--annotations and --images go together: pass both or neither");
        }
        Path target = out != null ? out : run.folder().resolve(DEFAULT_OUT);
        overwrite.check(target);
        Evaluation.Result result;
        try (NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
            SavedModel.Loaded model = run.load(spec, manager);
            DetectionDataset data = dataset(model);
            result = Evaluation.run(model.detector(), data, model.loaderConfig(), manager, true);
        }
        CocoResults.write(target, result.detections());
        PrintWriter w = spec.commandLine().getOut();
        w.print(CocoStatsReport.format(result.stats(), perClass));
        w.flush();
        return ExitCodes.OK;
    }

    /** The data to score: the given COCO files, else the validation split the run's configuration names. */
    private DetectionDataset dataset(SavedModel.Loaded model) {
        if (annotations == null) {
            return DatasetSection.validation(model.config().section(DatasetSection.SECTION.prefix()), run.folder(),
                    model.config().seed());
        }
        DetectionDataset data = CocoReader.read(annotations, images, new CocoReader.Options(BoxPolicy.KEEP, false))
                .dataset();
        checkSameClasses(data.categories(), model.categories());
        return data;
    }

    /** The model's class indices map to COCO ids through the dataset's categories, so they must be the model's. */
    private void checkSameClasses(List<Category> data, List<Category> model) {
        int n = Math.max(data.size(), model.size());
        for (int k = 0; k < n; k++) {
            Category d = k < data.size() ? data.get(k) : null;
            Category m = k < model.size() ? model.get(k) : null;
            if (d == null || m == null || d.cocoId() != m.cocoId()) {
                throw new InvalidInputException(annotations + ": its categories are not the model's (class " + k + " is "
                        + describe(d) + " here but " + describe(m) + " in the model; " + data.size() + " vs "
                        + model.size() + " classes); evaluate on data with the classes the model was trained on");
            }
        }
    }

    private static String describe(Category c) {
        return c == null ? "missing" : "id " + c.cocoId() + " '" + c.name() + "'";
    }
}
