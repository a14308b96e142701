package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
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

    static Path dist;
    static Path teacher;

    /**
     * A tiny RetinaNet teacher, trained briefly. It scores near its prior (0.01), so its head decodes boxes from 0.005
     * up (saved with the run, so its ONNX export decodes the same way).
     */
    @BeforeAll
    static void trainTeacher() throws Exception {
        dist = Hdkd.distribution();
        teacher = tmp.resolve("teacher");
        Hdkd.Result t = Hdkd.run(dist, dist, Map.of(), TRAINING, "train", "--config", "conf/tiny.properties",
                "--set", "dataset.synthetic-images=32", "--set", "train.epochs=2", "--set", "train.eval-every=0",
                "--set", "train.warmup-steps=4", "--set", "model.head.score-threshold=0.005",
                "--out", teacher.toString());
        assertThat(t.code()).as(t.toString()).isZero();
    }

    /** A tiny CornerNet distilled by the detections term alone (the teacher's boxes, soft), for one epoch. */
    private static Path distil(String name, String... teacherKeys) throws Exception {
        Path student = tmp.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("distill", "--config",
                "conf/tiny-cornernet.properties", "--set", "dataset.synthetic-images=32", "--set", "train.epochs=1",
                "--set", "train.eval-every=0", "--set", "train.warmup-steps=2",
                "--set", "distill.losses=det", "--set", "distill.loss.det.type=detections",
                "--set", "distill.loss.det.merge=teacher", "--set", "distill.loss.det.score-threshold=0.005",
                "--set", "distill.loss.det.top-k=20", "--out", student.toString()));
        for (String k : teacherKeys) {
            args.add("--set");
            args.add(k);
        }
        Hdkd.Result s = Hdkd.run(dist, dist, Map.of(), TRAINING, args.toArray(String[]::new));
        assertThat(s.code()).as(s.toString()).isZero();
        return student;
    }

    @Test
    void aCornerNetLearnsFromARetinaNetTeachersDetections() throws Exception {
        assertUsedTeacherBoxes(distil("student", "teacher.run=" + teacher));
    }

    @Test
    void anOnnxTeacherGivesItsDetectionsTooInTheExportFormat() throws Exception {
        Path onnx = tmp.resolve("teacher.onnx");
        Hdkd.Result e = Hdkd.run(dist, dist, Map.of(), TRAINING, "export", "--run", teacher.toString(), "--decode",
                "--taps", "p3", "--out", onnx.toString());
        assertThat(e.code()).as(e.toString()).isZero();
        assertUsedTeacherBoxes(distil("student-onnx", "teacher.onnx.path=" + onnx, "teacher.onnx.input=images",
                "teacher.onnx.outputs=p3:8", "teacher.onnx.detections=boxes:boxes, scores:scores, labels:labels"));
    }

    private static void assertUsedTeacherBoxes(Path student) throws Exception {
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
