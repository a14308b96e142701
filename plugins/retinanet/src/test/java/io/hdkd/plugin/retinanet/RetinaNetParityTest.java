package io.hdkd.plugin.retinanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.Detection;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Against torchvision 0.14 on the same raw outputs: anchors, losses (l1, smooth-l1, giou) and post-processing.
 * The fixture comes from scripts/parity/retinanet_torchvision.py (64 x 64 input, levels p3..p5, 3 classes).
 */
class RetinaNetParityTest {

    private static final Shape INPUT = new Shape(64, 64);
    private static final int[] ROWS = {8 * 8 * 9, 4 * 4 * 9, 2 * 2 * 9};

    @Test
    void anchorsLossesAndDetectionsMatchTorchvision() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
                InputStream in = getClass().getResourceAsStream("/parity/retinanet_torchvision.npz")) {
            NDList fixture = NDList.decode(m, in.readAllBytes());
            RetinaNetHead l1 = head(Map.of());
            assertThat(NDArrays.concat(l1.anchors(m, INPUT), 0).toFloatArray())
                    .containsExactly(fixture.get("anchors").toFloatArray());

            NDList raw = split(fixture.get("logits"), fixture.get("deltas"));
            List<ImageTargets> targets = List.of(
                    new ImageTargets(fixture.get("gt_boxes"), fixture.get("gt_labels")),
                    new ImageTargets(m.zeros(new Shape(0, 4)), m.zeros(new Shape(0))));
            float[] expected = fixture.get("losses").toFloatArray();
            List<RetinaNetHead> heads = List.of(l1, head(Map.of("box-loss", "smooth-l1", "smooth-l1-beta", "1.0")),
                    head(Map.of("box-loss", "giou")));
            for (int i = 0; i < heads.size(); i++) {
                LossTerms terms = heads.get(i).loss(raw, targets, INPUT);
                float cls = terms.terms().get("cls").getFloat();
                float box = terms.terms().get("box").getFloat();
                assertThat(cls).as("cls " + i).isCloseTo(expected[2 * i], offset(1e-5f * expected[2 * i]));
                assertThat(box).as("box " + i).isCloseTo(expected[2 * i + 1], offset(1e-5f * expected[2 * i + 1]));
            }

            List<List<Detection>> detections = l1.decode(raw,
                    List.of(new ImageMeta(0, 64, 64, 1, 1), new ImageMeta(1, 64, 64, 1, 1)), INPUT);
            for (int i = 0; i < 2; i++) {
                float[] boxes = fixture.get("det" + i + "_boxes").toFloatArray();
                float[] scores = fixture.get("det" + i + "_scores").toFloatArray();
                int[] labels = fixture.get("det" + i + "_labels").toIntArray();
                List<Detection> found = detections.get(i);
                assertThat(found).hasSize(scores.length);
                for (int j = 0; j < scores.length; j++) {
                    Detection d = found.get(j);
                    assertThat(d.score()).isCloseTo(scores[j], offset(1e-6f));
                    assertThat(d.label()).isEqualTo(labels[j]);
                    assertThat(new float[] {d.x1(), d.y1(), d.x2(), d.y2()})
                            .containsExactly(new float[] {boxes[4 * j], boxes[4 * j + 1], boxes[4 * j + 2],
                                boxes[4 * j + 3]}, offset(1e-3f));
                }
            }
        }
    }

    private static RetinaNetHead head(Map<String, String> options) {
        Map<String, String> all = new java.util.HashMap<>(options);
        // torchvision's RetinaNet keeps 300 detections per image.
        all.put("max-detections", "300");
        return Heads.create(3, Heads.levels(3, 5, 8), all);
    }

    private static NDList split(NDArray logits, NDArray deltas) {
        NDList cls = new NDList();
        NDList box = new NDList();
        int start = 0;
        for (int rows : ROWS) {
            String range = ":, " + start + ":" + (start + rows);
            cls.add(logits.get(range));
            box.add(deltas.get(range));
            start += rows;
        }
        cls.addAll(box);
        return cls;
    }
}
