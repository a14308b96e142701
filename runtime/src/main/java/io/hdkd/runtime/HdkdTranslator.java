package io.hdkd.runtime;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.output.BoundingBox;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.modality.cv.output.Rectangle;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The DJL translator of hdkd's decoded ONNX detectors: an {@link Image} in, {@link DetectedObjects} out, best first.
 *
 * <p>Input: the image prepared as hdkd's loader prepares it ({@link ImagePreparer}). Output: the graph's
 * {@code boxes}, {@code scores} and {@code labels} (non-maximum suppression already done in the graph), mapped back
 * to the original image, kept from {@code threshold} up (inclusive, as {@code hdkd predict --score}). Boxes are in
 * original image pixels by default; {@link Builder#optNormalizedBoxes} gives DJL's {@code [0, 1]} convention, which
 * {@link Image#drawBoundingBoxes} draws.
 *
 * <p>One image per call (the export's batch is 1), so there is no batchifier: the input carries its batch axis, and
 * no tensor operation runs outside the ONNX graph (ONNX Runtime's NDArrays have none).
 */
public final class HdkdTranslator implements Translator<Image, DetectedObjects> {

    private static final String PREPARED = "hdkd.prepared";

    private final float threshold;
    private final boolean normalizedBoxes;
    private final String source;
    private volatile HdkdModelInfo info;
    private volatile ImagePreparer preparer;

    private HdkdTranslator(Builder b) {
        this.threshold = b.threshold;
        this.normalizedBoxes = b.normalizedBoxes;
        this.source = b.source;
        if (b.info != null) {
            bind(b.info);
        }
    }

    /** A translator that reads the model's metadata when DJL prepares it (on the first prediction). */
    public static Builder builder() {
        return new Builder(null);
    }

    /** A translator for a model whose metadata is already read. */
    public static Builder builder(HdkdModelInfo info) {
        return new Builder(info);
    }

    /** Options, DJL style. */
    public static final class Builder {
        private final HdkdModelInfo info;
        private float threshold;
        private boolean normalizedBoxes;
        private String source = "the model";

        private Builder(HdkdModelInfo info) {
            this.info = info;
        }

        /** Keeps detections scoring at least this (default 0: every detection the graph returns). */
        public Builder optThreshold(float threshold) {
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold " + threshold + ": expected a number in [0, 1]");
            }
            this.threshold = threshold;
            return this;
        }

        /** Boxes as fractions of the image's width and height (DJL's drawing convention) instead of pixels. */
        public Builder optNormalizedBoxes(boolean normalized) {
            this.normalizedBoxes = normalized;
            return this;
        }

        /** The model's name in messages (e.g. its file), when the metadata is read at prepare time. */
        public Builder optSource(String source) {
            this.source = source;
            return this;
        }

        public HdkdTranslator build() {
            return new HdkdTranslator(this);
        }
    }

    void bind(HdkdModelInfo modelInfo) {
        this.preparer = new ImagePreparer(modelInfo);
        this.info = modelInfo;
    }

    /** The model's metadata; null before {@link #prepare} when built without it. */
    public HdkdModelInfo info() {
        return info;
    }

    @Override
    public void prepare(TranslatorContext ctx) throws Exception {
        if (info == null) {
            bind(HdkdModelInfo.of(ctx.getModel(), source));
        }
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) throws TranslateException {
        ImagePreparer.Prepared p = preparer().prepare(pixels(input, ctx.getNDManager()), input.getWidth(),
                input.getHeight());
        ctx.setAttachment(PREPARED, p);
        NDArray images = ctx.getNDManager().create(FloatBuffer.wrap(p.input()), new Shape(1, 3, p.size(), p.size()));
        images.setName(HdkdModelInfo.INPUT);
        return new NDList(images);
    }

    private static float[] pixels(Image image, NDManager manager) {
        if (image.getWrappedImage() instanceof BufferedImage b) {
            return Pixels.rgb(b);
        }
        // other image factories (OpenCV): their RGB bytes, height x width x 3
        try (NDArray hwc = image.toNDArray(manager, Image.Flag.COLOR)) {
            byte[] bytes = hwc.toType(DataType.UINT8, false).toByteArray();
            return Pixels.rgb(bytes, image.getWidth(), image.getHeight());
        }
    }

    @Override
    public DetectedObjects processOutput(TranslatorContext ctx, NDList list) throws TranslateException {
        ImagePreparer.Prepared p = (ImagePreparer.Prepared) ctx.getAttachment(PREPARED);
        float[] boxes = output(list, HdkdModelInfo.BOXES).toFloatArray();
        float[] scores = output(list, HdkdModelInfo.SCORES).toFloatArray();
        long[] labels = output(list, HdkdModelInfo.LABELS).toLongArray();
        if (boxes.length != 4 * scores.length || labels.length != scores.length) {
            throw new TranslateException(info.source() + ": outputs hold " + boxes.length / 4 + " boxes, "
                    + scores.length + " scores and " + labels.length + " labels; expected the same count (one image)");
        }
        List<String> names = new ArrayList<>();
        List<Double> probabilities = new ArrayList<>();
        List<BoundingBox> rects = new ArrayList<>();
        List<String> classes = info.classNames();
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] < 0 || scores[i] < threshold) {
                continue; // padding rows of the batched form, or below the caller's threshold
            }
            if (labels[i] >= classes.size()) {
                throw new TranslateException(info.source() + ": label " + labels[i] + " outside its " + classes.size()
                        + " classes");
            }
            float[] b = p.toImage(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
            double w = b[2] - b[0];
            double h = b[3] - b[1];
            rects.add(normalizedBoxes
                    ? new Rectangle((double) b[0] / p.width(), (double) b[1] / p.height(), w / p.width(), h / p.height())
                    : new Rectangle(b[0], b[1], w, h));
            names.add(classes.get((int) labels[i]));
            probabilities.add((double) scores[i]);
        }
        return new DetectedObjects(names, probabilities, rects);
    }

    private NDArray output(NDList list, String name) throws TranslateException {
        NDArray a = list.get(name);
        if (a == null) {
            List<String> have = new ArrayList<>();
            list.forEach(x -> have.add(x.getName()));
            throw new TranslateException(info.source() + " has no output '" + name + "'; expected the decoded outputs "
                    + HdkdModelInfo.BOXES + ", " + HdkdModelInfo.SCORES + ", " + HdkdModelInfo.LABELS
                    + " of 'hdkd export --decode', got " + have);
        }
        return a;
    }

    private ImagePreparer preparer() throws TranslateException {
        ImagePreparer p = preparer;
        if (p == null) {
            throw new TranslateException("the translator has no model metadata: DJL did not prepare it");
        }
        return p;
    }

    @Override
    public Batchifier getBatchifier() {
        return null;
    }
}
