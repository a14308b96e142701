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

    /**
     * CrossKD through {@code bin/hdkd}: the CornerNet student's FPN (16 channels, the teacher's has 32) feeds a frozen
     * copy of the teacher's RetinaNet head through 1x1 adapters, and {@code kl} pulls the copy's class outputs toward
     * the teacher's. The run finishes with a non-zero term; a student whose FPN lacks a level the teacher's head reads
     * is refused in one line, exit 2, before its run folder exists.
     */
    @Test
    void aCornerNetLearnsThroughAFrozenCopyOfTheTeachersHead() throws Exception {
        Path student = tmp.resolve("student-crosskd");
        List<String> args = List.of("distill", "--config", "conf/tiny-cornernet.properties",
                "--set", "dataset.synthetic-images=32", "--set", "train.epochs=1", "--set", "train.eval-every=0",
                "--set", "train.warmup-steps=2", "--set", "model.neck.channels=16", "--set", "teacher.run=" + teacher,
                "--set", "distill.assistant.type=retinanet", "--set", "distill.assistant.source=teacher",
                "--set", "distill.losses=kl", "--set", "distill.loss.kl.type=kl");
        List<String> run = new java.util.ArrayList<>(args);
        run.addAll(List.of("--out", student.toString()));
        Hdkd.Result s = Hdkd.run(dist, dist, Map.of(), TRAINING, run.toArray(String[]::new));
        assertThat(s.code()).as(s.toString()).isZero();
        assertThat(s.err()).contains("distill: assistant: the teacher's retinanet head, frozen, on the student's "
                + "[p3, p4, p5] (1x1 adapters on [p3, p4, p5])");
        List<JsonObject> steps = Files.readAllLines(student.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertThat(steps).isNotEmpty().allSatisfy(step -> {
            assertThat(step.get("loss_kd_kl").getAsDouble()).as("the kl term through the copy").isPositive();
            assertThat(step.keySet()).noneMatch(k -> k.startsWith("loss_assistant_"));
        });
        assertThat(student.resolve("model")).isDirectory();

        Path refusedRun = tmp.resolve("student-refused");
        List<String> refuse = new java.util.ArrayList<>(args);
        refuse.addAll(List.of("--set", "model.neck.levels=p3, p4", "--out", refusedRun.toString()));
        Hdkd.Result r = Hdkd.run(dist, dist, Map.of(), TRAINING, refuse.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        List<String> errors = r.err().lines().filter(l -> l.startsWith("hdkd: error: ")).toList();
        assertThat(errors).as(r.toString()).hasSize(1);
        assertThat(errors.get(0)).startsWith("hdkd: error: distill.assistant.source = teacher: the teacher's head "
                + "reads level p5 (stride 32), which the student does not give");
        assertThat(r.err()).as("no stack trace").doesNotContain("\tat ");
        assertThat(refusedRun).doesNotExist();
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
