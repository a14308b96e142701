package io.hdkd.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.Detection;
import io.hdkd.api.ImageTargets;
import java.util.List;

/** Teacher detections as scored {@link ImageTargets}, the form losses receive them in. */
public final class TeacherDetections {

    private TeacherDetections() {}

    /** One image's detections (in input pixels) as float32 boxes, int32 labels and float32 scores. */
    public static ImageTargets toTargets(List<Detection> detections, NDManager manager) {
        int m = detections.size();
        float[] boxes = new float[4 * m];
        int[] labels = new int[m];
        float[] scores = new float[m];
        for (int k = 0; k < m; k++) {
            Detection d = detections.get(k);
            boxes[4 * k] = d.x1();
            boxes[4 * k + 1] = d.y1();
            boxes[4 * k + 2] = d.x2();
            boxes[4 * k + 3] = d.y2();
            labels[k] = d.label();
            scores[k] = d.score();
        }
        NDArray b = manager.create(boxes, new Shape(m, 4));
        return new ImageTargets(b, manager.create(labels, new Shape(m)), manager.create(scores, new Shape(m)));
    }
}
