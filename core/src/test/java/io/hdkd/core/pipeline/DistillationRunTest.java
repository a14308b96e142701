package io.hdkd.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.distill.DetectorTeacher;
import io.hdkd.core.distill.Normalization;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.run.RunFolder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hdkd distill} end to end at tiny sizes (64 px, narrow networks, one or two epochs of three steps): the pairs
 * of issue 7 build and train, the student is saved alone and loads without the teacher, a run resumes from a
 * checkpoint, logit losses are refused across head types, and an ONNX teacher works.
 *
 * <p>The teachers are freshly initialised detectors saved as run models (what {@code teacher.run} loads); whether a
 * trained teacher helps is a benchmark question, not this test's.
 */
class DistillationRunTest {

    @TempDir
    static Path shared;

    static ComponentRegistry registry;
    static Path data;
    static Path retinaTeacher;
    static Path resnextTeacher;

    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** The student: a narrow ResNet18 + FPN + RetinaNet at 64 px, one epoch. */
    static Map<String, String> student() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("run.seed", "1");
        m.put("dataset.root", data == null ? "" : data.toString());
        m.put("data.loader.size", "64");
        m.put("data.loader.batch-size", "4");
        m.put("data.loader.workers", "1");
        m.put("model.backbone.type", "resnet18");
        m.put("model.backbone.width", "0.125");
        m.put("model.neck.type", "fpn");
        m.put("model.neck.channels", "16");
        m.put("model.neck.levels", "p3, p4, p5");
        m.put("model.head.type", "retinanet");
        m.put("model.head.num-convs", "1");
        m.put("model.head.topk-candidates", "50");
        m.put("model.head.max-detections", "20");
        m.put("train.epochs", "1");
        m.put("train.lr", "0.01");
        m.put("train.warmup-steps", "2");
        m.put("train.eval-every", "0");
        return m;
    }

    static ResolvedConfig resolve(Map<String, String> keys) {
        return new ConfigResolver(registry, Pipelines.schema()).resolve(keys);
    }

    static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Saves a freshly initialised detector of {@code keys} as the model of run folder {@code dir}. */
    static Path saveTeacher(Path dir, Map<String, String> keys) {
        ResolvedConfig config = resolve(keys);
        DatasetSection.Splits splits = DatasetSection.fromRoot(data, BoxPolicy.ERROR);
        LoaderConfig loader = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        try (NDManager m = NDManager.newBaseManager()) {
            DetectorBlock d = DetectorBuilder.build(config, splits.train().numClasses(), loader.size(), Device.cpu(), m);
            SavedModel.save(RunFolder.at(dir).model(), d, config, splits.train().categories());
        }
        return dir;
    }

    @BeforeAll
    static void setUp() {
        registry = PluginManager.fromClasspath().registry();
        // 16 synthetic scenes of 64 px (12 train, 4 val), generated once and read by every run through dataset.root.
        ResolvedConfig synth = resolve(Map.of("dataset.synthetic", "coarse", "dataset.synthetic-images", "16",
                "dataset.synthetic-size", "64", "dataset.synthetic-val-fraction", "0.25"));
        DatasetSection.load(synth.section(DatasetSection.SECTION.prefix()), shared, 1);
        data = shared.resolve("data");
        retinaTeacher = saveTeacher(shared.resolve("teacher-r18"), with(student(), "model.backbone.width", "0.25",
                "model.neck.channels", "32"));
        resnextTeacher = saveTeacher(shared.resolve("teacher-x50"), with(student(),
                "model.backbone.type", "resnext50_32x4d", "model.backbone.width", "0.25", "model.neck.channels", "32"));
    }

    static Map<String, String> sameHead(Path teacher) {
        return with(student(), "teacher.run", teacher.toString(), "distill.losses", "kl, pkd",
                "distill.loss.kl.type", "kl", "distill.loss.pkd.type", "pkd", "distill.loss.pkd.levels", "p3, p4, p5",
                "distill.loss.pkd.weight", "2");
    }

    @Test
    void sameHeadPairLogsEachTermSavesTheStudentAloneAndResumes(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        ResolvedConfig config = resolve(with(sameHead(retinaTeacher), "train.epochs", "2"));
        DistillationRun.Outcome o = DistillationRun.distill(config, registry, run, false, false, QUIET);

        List<JsonObject> steps = RunFolder.at(run).stepRecords();
        assertThat(steps).hasSize(6);
        for (JsonObject s : steps) {
            assertThat(s.keySet()).contains("loss_kd_kl", "loss_kd_pkd", "loss_task_cls", "teacher_ms", "step_ms");
            double terms = s.entrySet().stream().filter(e -> e.getKey().startsWith("loss_"))
                    .mapToDouble(e -> e.getValue().getAsDouble()).sum();
            assertThat(terms).isCloseTo(s.get("loss").getAsDouble(), org.assertj.core.data.Offset.offset(1e-3));
        }
        assertThat(o.teacherMillis()).isPositive().isLessThan(o.stepMillis());
        assertThat(o.teacherParameters()).isPositive();
        assertThat(DistillationRun.overheadLine(o)).startsWith("teacher forward ").contains(" ms per step of ");
        assertThat(o.run().finalMetrics()).containsKey("AP50");

        // RUN/model is the student alone: a configuration without teacher, distill or loss keys...
        String saved = Files.readString(run.resolve("model/config.properties"));
        assertThat(saved).doesNotContain("teacher.").doesNotContain("distill.").contains("model.backbone.width = 0.125");
        // ...and parameters that load into a plain detector (no teacher, no adapters) and reproduce the run's score.
        DatasetSection.Splits splits = DatasetSection.fromRoot(data, BoxPolicy.ERROR);
        try (NDManager m = NDManager.newBaseManager()) {
            SavedModel.Loaded loaded = SavedModel.load(run, registry, Device.cpu(), m);
            double ap50 = Evaluation.run(loaded.detector(), splits.val(), loaded.loaderConfig(), m, false).stats()
                    .get("AP50");
            assertThat(ap50).isEqualTo(o.run().finalMetrics().get("AP50"));
        }

        // Back to the end of epoch 1 (a kill after that checkpoint), then --resume: the run continues from step 3.
        Path ckpts = run.resolve("checkpoints");
        Files.writeString(ckpts.resolve("latest"), "ckpt-00000003\n");
        DistillationRun.distill(config, registry, run, true, false, QUIET);
        List<JsonObject> again = RunFolder.at(run).stepRecords();
        assertThat(again).extracting(s -> s.get("step").getAsLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        for (int i = 0; i < 3; i++) {
            assertThat(again.get(i).get("loss").getAsDouble()).isEqualTo(steps.get(i).get("loss").getAsDouble());
        }
        assertThat(again.get(3).get("epoch").getAsInt()).isEqualTo(2);
    }

    @Test
    void resnextTeacherDistilsIntoANarrowResnet18(@TempDir Path tmp) {
        DistillationRun.Outcome o = DistillationRun.distill(resolve(with(sameHead(resnextTeacher))), registry,
                tmp.resolve("run"), false, false, QUIET);
        assertThat(RunFolder.at(tmp.resolve("run")).stepRecords()).hasSize(3)
                .allSatisfy(s -> assertThat(s.get("loss_kd_pkd").getAsDouble()).isPositive());
        assertThat(o.teacher()).contains("resnext50_32x4d");
    }

    @Test
    void theMethodRunsWithTheKMeansPartitionerAndLogsItsCombinationWeights(@TempDir Path tmp) throws Exception {
        Map<String, String> keys = with(student(), "teacher.run", retinaTeacher.toString(),
                "distill.partitioner.type", "kmeans", "distill.partitioner.subspaces", "3",
                "distill.partition-every", "2", "distill.losses", "hdkd", "distill.loss.hdkd.type", "hdkd",
                "distill.loss.hdkd.levels", "p3, p4, p5", "distill.loss.hdkd.subspaces", "3",
                "distill.loss.hdkd.groups", "4");
        Path run = tmp.resolve("run");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        DistillationRun.distill(resolve(keys), registry, run, false, false, new PrintStream(log, true));
        assertThat(log.toString()).contains("distill.partitioner.type splits [p3, p4, p5] into 3 subspaces, "
                + "re-clustered every 2 step(s)");
        List<JsonObject> steps = RunFolder.at(run).stepRecords();
        assertThat(steps).hasSize(3).allSatisfy(s -> {
            assertThat(s.get("loss_kd_hdkd").getAsDouble()).isPositive().isFinite();
            // Row 0 of the learned K x K combination: a softmax, so its weights add up to 1.
            double row = 0;
            for (int k = 0; k < 3; k++) {
                row += s.get("kd_hdkd.combination.w0_" + k).getAsDouble();
            }
            assertThat(row).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        });
        // The student alone is saved: the method's adapters are not part of it.
        assertThat(Files.readString(run.resolve("model/config.properties"))).doesNotContain("distill.");

        assertThatThrownBy(() -> DistillationRun.distill(resolve(with(keys, "distill.partition-levels", "p3, c9")),
                registry, tmp.resolve("bad"), false, false, QUIET)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("distill.partition-levels").hasMessageContaining("'c9'");
        assertThat(tmp.resolve("bad")).doesNotExist();
    }

    static Map<String, String> cornerNetStudent() {
        Map<String, String> m = with(student(), "model.head.type", "cornernet", "model.head.channels", "16",
                "model.head.level", "p3", "model.head.top-k", "20", "model.head.candidates", "50");
        m.remove("model.head.num-convs");
        m.remove("model.head.topk-candidates");
        return m;
    }

    @Test
    void retinanetTeachesACornerNetWithFeatureLossesButRefusesLogitKd(@TempDir Path tmp) {
        Map<String, String> keys = with(cornerNetStudent(), "teacher.run", retinaTeacher.toString(),
                "distill.losses", "pkd, cwd", "distill.loss.pkd.type", "pkd", "distill.loss.pkd.levels", "p3, p4, p5",
                "distill.loss.cwd.type", "cwd", "distill.loss.cwd.levels", "p3");
        DistillationRun.distill(resolve(keys), registry, tmp.resolve("run"), false, false, QUIET);
        List<JsonObject> steps = RunFolder.at(tmp.resolve("run")).stepRecords();
        assertThat(steps).hasSize(3).allSatisfy(s -> assertThat(s.keySet()).contains("loss_kd_pkd", "loss_kd_cwd"));
        assertThat(steps).allSatisfy(s -> assertThat(Double.isFinite(s.get("loss").getAsDouble())).isTrue());

        Map<String, String> logits = with(keys, "distill.losses", "pkd, cwd, kl", "distill.loss.kl.type", "kl");
        assertThatThrownBy(() -> DistillationRun.distill(resolve(logits), registry, tmp.resolve("refused"), false,
                false, QUIET)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("distill.loss.kl (kl): ")
                .hasMessageContaining("teacher is retinanet, student is cornernet")
                .hasMessageContaining("fitnet, pkd, cwd");
        assertThat(tmp.resolve("refused")).doesNotExist();
    }

    @Test
    void anAssistantHeadOfTheTeachersTypeTakesLogitKdAcrossHeadsAndIsDroppedAtSave(@TempDir Path tmp)
            throws Exception {
        Map<String, String> keys = with(cornerNetStudent(), "teacher.run", retinaTeacher.toString(),
                "distill.assistant.type", "retinanet", "distill.assistant.num-convs", "1",
                "distill.assistant-weight", "0.5", "distill.losses", "kl", "distill.loss.kl.type", "kl");
        Path run = tmp.resolve("run");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        DistillationRun.distill(resolve(keys), registry, run, false, false, new PrintStream(log, true));
        assertThat(log.toString()).contains("distill: assistant retinanet head on the student's [p3, p4, p5]");
        List<JsonObject> steps = RunFolder.at(run).stepRecords();
        assertThat(steps).hasSize(3).allSatisfy(s -> {
            assertThat(s.keySet()).contains("loss_task_heatmap", "loss_assistant_cls", "loss_assistant_box",
                    "loss_kd_kl");
            assertThat(s.get("loss_kd_kl").getAsDouble()).isPositive().isFinite();
        });
        // The student alone is saved: a CornerNet detector without the assistant, loadable on its own.
        String saved = Files.readString(run.resolve("model/config.properties"));
        assertThat(saved).doesNotContain("distill.").contains("model.head.type = cornernet");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(SavedModel.load(run, registry, Device.cpu(), m).detector().head().type())
                    .isEqualTo("cornernet");
        }

        Map<String, String> same = with(keys, "distill.assistant.type", "cornernet");
        same.remove("distill.assistant.num-convs");
        assertThatThrownBy(() -> DistillationRun.distill(resolve(same), registry, tmp.resolve("refused"), false,
                false, QUIET)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("distill.assistant.type = cornernet is the student's own head type");
    }

    @Test
    void onnxTeacherFromTheTorchvisionExport(@TempDir Path tmp) throws Exception {
        Path onnx = Path.of(DistillationRunTest.class.getResource("/onnx/retinanet_fpn_teacher.onnx").toURI());
        Map<String, String> keys = with(student(), "teacher.onnx.path", onnx.toString(),
                "teacher.onnx.outputs", "p3:8, p4:16, p5:32, p6:64, p7:128",
                "distill.losses", "pkd", "distill.loss.pkd.type", "pkd", "distill.loss.pkd.levels", "p3, p4, p5");
        DistillationRun.Outcome o = DistillationRun.distill(resolve(keys), registry, tmp.resolve("run"), false, false,
                QUIET);
        assertThat(o.teacher()).startsWith("ONNX model");
        assertThat(RunFolder.at(tmp.resolve("run")).stepRecords()).hasSize(3)
                .allSatisfy(s -> assertThat(s.keySet()).contains("loss_kd_pkd", "teacher_ms"));
    }

    @Test
    void aTeacherTrainedOnOtherStatisticsSeesTheBatchReNormalisedToThem() {
        Normalization student = Normalization.IMAGENET;
        Normalization other = new Normalization(new float[] {0, 0, 0}, new float[] {255, 255, 255});
        try (NDManager m = NDManager.newBaseManager(); NDManager x = NDManager.newBaseManager()) {
            DetectorBlock d = SavedModel.load(retinaTeacher, registry, Device.cpu(), m).detector();
            DetectorTeacher plain = new DetectorTeacher(d, m);
            DetectorTeacher renormalising = new DetectorTeacher(d, m, student, other);
            ai.djl.ndarray.NDArray batch = x.randomNormal(new ai.djl.ndarray.types.Shape(1, 3, 64, 64));
            ai.djl.ndarray.NDArray want = plain.forward(student.convert(batch, other)).get("p3");
            ai.djl.ndarray.NDArray got = renormalising.forward(batch).get("p3");
            assertThat(got.sub(want).abs().max().getFloat()).isLessThan(1e-5f);
            assertThat(got.sub(plain.forward(batch).get("p3")).abs().max().getFloat()).isGreaterThan(1e-3f);
        }
    }

    @Test
    void teacherAndRatioAreCheckedBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path run = tmp.resolve("run");
        Map<String, String> base = with(student(), "distill.losses", "pkd", "distill.loss.pkd.type", "pkd");
        assertThatThrownBy(() -> DistillationRun.distill(resolve(base), registry, run, false, false, QUIET))
                .hasMessage("no teacher: set teacher.run = RUN_DIR (an hdkd run) or teacher.onnx.path = FILE (an ONNX "
                        + "model)");
        assertThatThrownBy(() -> DistillationRun.distill(resolve(with(base, "teacher.run", "a", "teacher.onnx.path",
                "b.onnx")), registry, run, false, false, QUIET))
                .hasMessage("teacher.run and teacher.onnx.path are both set; a distillation run has one teacher: set "
                        + "exactly one");
        assertThatThrownBy(() -> DistillationRun.distill(resolve(with(base, "teacher.run", retinaTeacher.toString(),
                "distill.ratio", "1:0")), registry, run, false, false, QUIET))
                .hasMessageStartingWith("bad value for distill.ratio: expected a:b with a >= 0 and b > 0");
        assertThatThrownBy(() -> DistillationRun.distill(resolve(with(base, "teacher.run", tmp.toString())),
                registry, run, false, false, QUIET))
                .hasMessageStartingWith("teacher.run: " + tmp + " holds no trained model");
        assertThat(run).doesNotExist();
        assertThat(DistillSection.Ratio.parse("k", "3:1").folderName()).isEqualTo("ratio-3_1");
        assertThat(DistillSection.Ratio.parse("k", " 0.5 : 1 ").text()).isEqualTo("0.5:1");
    }
}
