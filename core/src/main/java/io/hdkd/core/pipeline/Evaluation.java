package io.hdkd.core.pipeline;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.api.Detection;
import io.hdkd.api.ImageMeta;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.data.loader.DetectionLoader;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.eval.CocoEvaluator;
import io.hdkd.core.eval.CocoStats;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.progress.ProgressBar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a detector over a dataset in inference mode (no augmentation, no shuffling), decodes its outputs and scores
 * them with the exact COCO evaluator.
 */
public final class Evaluation {

    /** The detections in COCO results form and their scores. */
    public record Result(List<CocoDetection> detections, CocoStats stats) {

        /** The 12 COCO stats by name, plus the found share, for metrics files. */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (String name : CocoStats.NAMES) {
                m.put(name, stats.get(name));
            }
            m.put("found", stats.foundShare());
            return m;
        }
    }

    private Evaluation() {}

    /**
     * @param loaderConfig the training loader's settings (size, batch, normalisation); shuffling is switched off here
     * @param showProgress draw a progress bar on stderr
     */
    public static Result run(DetectorBlock detector, DetectionDataset dataset, LoaderConfig loaderConfig,
            NDManager manager, boolean showProgress) {
        List<CocoDetection> dets = detect(detector, dataset, loaderConfig, manager, showProgress);
        return new Result(dets, CocoEvaluator.evaluate(dataset, dets));
    }

    /**
     * The detector's detections on every image of {@code dataset} (its objects are not used), in original image
     * pixels, in COCO results form: the inference half of {@link #run}, also what {@code hdkd predict} runs.
     */
    public static List<CocoDetection> detect(DetectorBlock detector, DetectionDataset dataset,
            LoaderConfig loaderConfig, NDManager manager, boolean showProgress) {
        LoaderConfig cfg = loaderConfig.forEvaluation();
        List<CocoDetection> dets = new ArrayList<>();
        try (DetectionLoader loader = new DetectionLoader(dataset, AugmentConfig.NONE, cfg);
                NDManager evalManager = manager.newSubManager();
                ProgressBar bar = showProgress ? ProgressBar.stderr("eval", dataset.images().size(), "img") : null) {
            ParameterStore ps = new ParameterStore(evalManager, false);
            var it = loader.epoch(0, evalManager);
            while (it.hasNext()) {
                try (DetectionBatch batch = it.next()) {
                    NDList raw = detector.forward(ps, new NDList(batch.images()), false);
                    Shape input = new Shape(batch.images().getShape().get(2), batch.images().getShape().get(3));
                    List<List<Detection>> perImage = detector.head().decode(raw, batch.metas(), input);
                    for (int i = 0; i < perImage.size(); i++) {
                        ImageMeta meta = batch.metas().get(i);
                        for (Detection d : perImage.get(i)) {
                            dets.add(CocoDetection.of(meta.imageId(), d, dataset.categories()));
                        }
                    }
                    if (bar != null) {
                        bar.step(batch.size());
                    }
                }
            }
        }
        return dets;
    }
}
