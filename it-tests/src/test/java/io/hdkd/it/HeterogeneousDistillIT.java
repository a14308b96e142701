package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Knowledge across a head boundary through {@code bin/hdkd}: a tiny CornerNet distilled from a tiny RetinaNet teacher
 * by the {@code detections} loss, whose targets are the teacher's decoded boxes encoded by the CornerNet head itself.
 * The run must have used teacher boxes (a count above zero), taught the head soft targets, and produced a non-zero
 * term.
 */
class HeterogeneousDistillIT {

    private static final Duration TRAINING = Duration.ofMinutes(4);

    @TempDir
    static Path tmp;

    @Test
    void aCornerNetLearnsFromARetinaNetTeachersDetections() throws Exception {
        Path dist = Hdkd.distribution();
        Path teacher = tmp.resolve("teacher");
        Hdkd.Result t = Hdkd.run(dist, dist, Map.of(), TRAINING, "train", "--config", "conf/tiny.properties",
                "--set", "dataset.synthetic-images=32", "--set", "train.epochs=2", "--set", "train.eval-every=0",
                "--set", "train.warmup-steps=4", "--out", teacher.toString());
        assertThat(t.code()).as(t.toString()).isZero();

        Path student = tmp.resolve("student");
        Hdkd.Result s = Hdkd.run(dist, dist, Map.of(), TRAINING, "distill", "--config",
                "conf/tiny-cornernet.properties", "--set", "dataset.synthetic-images=32", "--set", "train.epochs=1",
                "--set", "train.eval-every=0", "--set", "train.warmup-steps=2",
                "--set", "teacher.run=" + teacher,
                // A teacher this short-trained scores near its prior (0.01): decode and use boxes from 0.005 up.
                "--set", "teacher.overrides=model.head.score-threshold=0.005",
                "--set", "distill.losses=det", "--set", "distill.loss.det.type=detections",
                "--set", "distill.loss.det.merge=teacher", "--set", "distill.loss.det.score-threshold=0.005",
                "--set", "distill.loss.det.top-k=20",
                "--out", student.toString());
        assertThat(s.code()).as(s.toString()).isZero();

        List<JsonObject> steps = Files.readAllLines(student.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertThat(steps).isNotEmpty();
        double teacherBoxes = 0;
        double used = 0;
        double term = 0;
        for (JsonObject step : steps) {
            assertThat(step.has("teacher_decode_ms")).as("decode time logged: %s", step).isTrue();
            assertThat(step.get("kd_det.soft").getAsDouble()).as("CornerNet takes soft targets").isEqualTo(1.0);
            teacherBoxes += step.get("teacher_boxes").getAsDouble();
            used += step.get("kd_det.boxes").getAsDouble();
            term += Math.abs(step.get("loss_kd_det").getAsDouble());
        }
        assertThat(teacherBoxes).as("the teacher detected boxes").isPositive();
        assertThat(used).as("teacher boxes reached the student's head").isPositive();
        assertThat(term).as("the detections term is non-zero").isPositive();
        assertThat(student.resolve("model")).isDirectory();
    }
}
