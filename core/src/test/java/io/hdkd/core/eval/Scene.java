package io.hdkd.core.eval;

import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small ground truth and detections built in code, for hand-derived evaluation cases. */
final class Scene {

    private final List<Category> categories = new ArrayList<>();
    private final Map<Long, List<ObjectAnnotation>> objects = new LinkedHashMap<>();
    final List<CocoDetection> dets = new ArrayList<>();
    private long nextId = 1;

    Scene categories(int... cocoIds) {
        for (int id : cocoIds) {
            categories.add(new Category(id, "c" + id));
        }
        return this;
    }

    Scene image(long id) {
        objects.putIfAbsent(id, new ArrayList<>());
        return this;
    }

    /** A ground-truth box whose {@code area} field is w*h. */
    Scene gt(long image, int cocoId, double x, double y, double w, double h) {
        return gt(image, cocoId, x, y, w, h, w * h, false);
    }

    Scene crowd(long image, int cocoId, double x, double y, double w, double h) {
        return gt(image, cocoId, x, y, w, h, w * h, true);
    }

    Scene gt(long image, int cocoId, double x, double y, double w, double h, double area, boolean crowd) {
        image(image);
        objects.get(image).add(new ObjectAnnotation(nextId++, classIndex(cocoId), x, y, w, h, area, crowd));
        return this;
    }

    Scene det(long image, int cocoId, double x, double y, double w, double h, double score) {
        dets.add(new CocoDetection(image, cocoId, x, y, w, h, score));
        return this;
    }

    private int classIndex(int cocoId) {
        for (int k = 0; k < categories.size(); k++) {
            if (categories.get(k).cocoId() == cocoId) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown category " + cocoId);
    }

    DetectionDataset dataset() {
        List<ImageRecord> images = new ArrayList<>();
        objects.forEach((id, objs) -> images.add(new ImageRecord(id, id + ".jpg", 1000, 1000, objs)));
        return new DetectionDataset(Path.of("."), categories, images);
    }

    CocoStats evaluate() {
        return CocoEvaluator.evaluate(dataset(), dets);
    }
}
