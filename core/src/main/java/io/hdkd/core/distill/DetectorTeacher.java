package io.hdkd.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.Detection;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.Taps;
import io.hdkd.core.model.DetectorBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * A teacher that is an hdkd detector (trained by hdkd, or built with imported weights), on the PyTorch engine. Its
 * parameters are frozen, BatchNorm runs in inference mode, and its forward pass runs with autograd off, so it builds no
 * graph and holds no optimizer state.
 */
public final class DetectorTeacher implements Teacher {

    private final DetectorBlock detector;
    private final NDManager manager;
    private final Normalization studentNorm;
    private final Normalization teacherNorm;

    /** @param manager owns the detector's parameters; closed with the teacher */
    public DetectorTeacher(DetectorBlock detector, NDManager manager) {
        this(detector, manager, Normalization.IMAGENET, Normalization.IMAGENET);
    }

    /**
     * A teacher trained on inputs normalised otherwise than the student's: each batch is re-normalised first.
     *
     * @param studentNorm how the student's batches are normalised
     * @param teacherNorm how the teacher's training batches were normalised
     */
    public DetectorTeacher(DetectorBlock detector, NDManager manager, Normalization studentNorm,
            Normalization teacherNorm) {
        this.detector = detector;
        this.manager = manager;
        this.studentNorm = studentNorm;
        this.teacherNorm = teacherNorm;
        for (Pair<String, Parameter> p : detector.getParameters()) {
            p.getValue().freeze(true);
        }
    }

    @Override
    public Taps forward(NDArray images) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            NDArray x = studentNorm.convert(images, teacherNorm);
            return detector.forwardTaps(new ParameterStore(images.getManager(), false), x, false).taps();
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    @Override
    public boolean givesDetections() {
        return true;
    }

    /**
     * The head's own decoding (its score threshold, NMS and detection limit) with an identity mapping: each image's
     * "original" is the network input itself (scale 1, the padded size), so the boxes stay in input pixels.
     */
    @Override
    public List<ImageTargets> detections(Taps taps, Shape inputShape) {
        NDList raw = new NDList();
        for (HeadOutput o : detector.head().outputs()) {
            raw.add(taps.get(o.name()));
        }
        long batch = raw.get(0).getShape().get(0);
        int h = (int) inputShape.get(inputShape.dimension() - 2);
        int w = (int) inputShape.get(inputShape.dimension() - 1);
        List<ImageMeta> metas = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            metas.add(new ImageMeta(i, w, h, 1f, 1f));
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            List<List<Detection>> decoded = detector.head().decode(raw, metas, new Shape(h, w));
            NDManager m = raw.get(0).getManager();
            List<ImageTargets> out = new ArrayList<>();
            for (List<Detection> image : decoded) {
                out.add(TeacherDetections.toTargets(image, m));
            }
            return out;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    @Override
    public List<FeatureLevel> levels() {
        List<FeatureLevel> all = new ArrayList<>(detector.backbone().levels());
        if (detector.neck() != null) {
            all.addAll(detector.neck().levels());
        }
        return all;
    }

    @Override
    public List<HeadOutput> outputs() {
        return detector.head().outputs();
    }

    @Override
    public String headType() {
        return detector.head().type();
    }

    public DetectorBlock detector() {
        return detector;
    }

    @Override
    public void close() {
        manager.close();
    }
}
