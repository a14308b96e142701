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
import io.hdkd.core.eval.CocoEvaluator;
import io.hdkd.core.export.OnnxDetector;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd eval --run RUN | --model FILE.onnx [--annotations FILE --images DIR] [--per-class] [--out FILE] [--force]}: scores a run's
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

    // A group so that --run, required within it, is optional here: --model is the other way to name a model.
    @ArgGroup(exclusive = false)
    ModelRunArgs run;

    @Option(names = "--model", paramLabel = "FILE", description = "A model written by hdkd export (.onnx), run by ONNX"
            + " Runtime, instead of --run; needs --annotations and --images.")
    Path model;

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
        if ((run == null) == (model == null)) {
            throw new InvalidInputException("name the model to evaluate: --run RUN or --model FILE (one of them)");
        }
        if (model != null && annotations == null) {
            throw new InvalidInputException("--model needs --annotations and --images: an exported model carries no"
                    + " validation split");
        }
        Path target = out != null ? out : run != null ? run.folder().resolve(DEFAULT_OUT)
                : model.resolveSibling(model.getFileName() + ".detections.json");
        overwrite.check(target);
        Evaluation.Result result;
        if (model != null) {
            try (NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                    OnnxDetector onnx = new OnnxDetector(model, PluginHost.load(spec).registry())) {
                DetectionDataset data = CocoReader.read(annotations, images,
                        new CocoReader.Options(BoxPolicy.KEEP, false)).dataset();
                checkSameClasses(data.categories(), onnx.categories());
                var dets = onnx.detect(data, manager, true);
                result = new Evaluation.Result(dets, CocoEvaluator.evaluate(data, dets));
            }
            CocoResults.write(target, result.detections());
            PrintWriter w = spec.commandLine().getOut();
            w.print(CocoStatsReport.format(result.stats(), perClass));
            w.flush();
            return ExitCodes.OK;
        }
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
