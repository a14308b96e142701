package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.ImageTargets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code detections}: the teacher's decoded detections, merged with the ground truth, as training targets of the
 * student's own head, encoded by the head's own target assignment and scored by its own loss. This is how knowledge
 * crosses a head boundary without any output correspondence: a RetinaNet teacher's boxes become a CornerNet's corner
 * heatmaps. Heads that accept soft targets get each teacher box with its (sharpened) score; others get hard
 * pseudo-labels above {@code hard-threshold}.
 */
final class DetectionsLoss implements DistillationLoss {

    private final DetectionTargets.Settings settings;
    private final boolean forceHard;
    private final Map<String, Double> diagnostics = new LinkedHashMap<>();

    /** @param forceHard give hard pseudo-labels even to a head that accepts soft targets */
    DetectionsLoss(DetectionTargets.Settings settings, boolean forceHard) {
        this.settings = settings;
        this.forceHard = forceHard;
    }

    @Override
    public List<String> taps() {
        return List.of();
    }

    @Override
    public boolean requiresSameHeadType() {
        return false;
    }

    @Override
    public boolean needsTeacherDetections() {
        return true;
    }

    @Override
    public NDArray compute(DistillationInput input) {
        DetectorHead head = input.requireStudentHead();
        List<ImageTargets> gt = input.targets();
        List<ImageTargets> teacher = input.teacherDetections();
        if (teacher.size() != gt.size()) {
            throw new IllegalArgumentException("got teacher detections for " + teacher.size() + " images and ground"
                    + " truth for " + gt.size());
        }
        boolean soft = head.acceptsSoftTargets() && !forceHard;
        NDManager manager = input.studentOutputs().get(0).getManager();
        List<ImageTargets> targets = new ArrayList<>();
        long boxes = 0;
        long fromTeacher = 0;
        for (int i = 0; i < gt.size(); i++) {
            DetectionTargets.Merged m = DetectionTargets.merge(gt.get(i), teacher.get(i), settings);
            ImageTargets t = m.toTargets(manager, soft, settings.hardThreshold());
            boxes += t.labels().size();
            fromTeacher += m.fromTeacher();
            targets.add(t);
        }
        diagnostics.clear();
        diagnostics.put("soft", soft ? 1.0 : 0.0);
        diagnostics.put("boxes", boxes / (double) Math.max(gt.size(), 1));
        diagnostics.put("teacher_only_boxes", fromTeacher / (double) Math.max(gt.size(), 1));
        return head.loss(input.studentOutputs(), targets, input.inputShape()).total();
    }

    @Override
    public Map<String, Double> diagnostics() {
        return Map.copyOf(diagnostics);
    }
}
