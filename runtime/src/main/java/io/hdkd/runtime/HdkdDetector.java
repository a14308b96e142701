package io.hdkd.runtime;

import ai.djl.MalformedModelException;
import ai.djl.ModelException;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a detector written by {@code hdkd export --decode} as a DJL {@link ZooModel} on ONNX Runtime:
 *
 * <pre>{@code
 * try (ZooModel<Image, DetectedObjects> model = HdkdDetector.load(Path.of("student.onnx"), 0.3f);
 *         Predictor<Image, DetectedObjects> predictor = model.newPredictor()) {
 *     DetectedObjects found = predictor.predict(ImageFactory.getInstance().fromFile(Path.of("cat.jpg")));
 * }
 * }</pre>
 */
public final class HdkdDetector {

    /** DJL's name of the ONNX Runtime engine. */
    public static final String ENGINE = "OnnxRuntime";

    private HdkdDetector() {}

    /** The criteria that load {@code onnx} with hdkd's translator; for callers that add their own options. */
    public static Criteria<Image, DetectedObjects> criteria(Path onnx, HdkdTranslator translator) {
        return Criteria.builder()
                .setTypes(Image.class, DetectedObjects.class)
                .optModelPath(onnx)
                .optEngine(ENGINE)
                .optTranslator(translator)
                .build();
    }

    /** Loads {@code onnx}, keeping every detection its graph returns (its head's own score threshold applies). */
    public static ZooModel<Image, DetectedObjects> load(Path onnx) throws IOException, ModelException {
        return load(onnx, 0f);
    }

    /**
     * Loads {@code onnx}, keeping detections scoring at least {@code threshold}, boxes in original image pixels.
     *
     * @throws FileNotFoundException if there is no such file
     * @throws MalformedModelException if the file is not a decoded hdkd export (the message names the file and what
     *     it lacks)
     */
    public static ZooModel<Image, DetectedObjects> load(Path onnx, float threshold) throws IOException, ModelException {
        return load(onnx, HdkdTranslator.builder().optThreshold(threshold));
    }

    /** Loads {@code onnx} with the translator options of {@code builder} (from {@link HdkdTranslator#builder()}). */
    public static ZooModel<Image, DetectedObjects> load(Path onnx, HdkdTranslator.Builder builder)
            throws IOException, ModelException {
        if (!Files.isRegularFile(onnx)) {
            throw new FileNotFoundException(onnx + ": no such file; expected an ONNX model written by 'hdkd export "
                    + "--decode'");
        }
        String source = onnx.toString();
        HdkdTranslator translator = builder.optSource(source).build();
        ZooModel<Image, DetectedObjects> model = criteria(onnx, translator).loadModel();
        try {
            // read now, so that a file without hdkd's metadata fails here, named, not at the first prediction
            translator.bind(HdkdModelInfo.of(model, source));
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }
}
