package io.hdkd.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.LossTerms;
import io.hdkd.api.Taps;
import io.hdkd.api.TrainingProgress;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.distill.DistillationModel;
import io.hdkd.core.distill.DistillationStep;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.train.Trainer;
import io.hdkd.core.train.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distill.assistant.source = teacher} (CrossKD): the assistant is a frozen copy of the teacher's trained head
 * fed the student's levels through 1x1 adapters. Its weights never move while the student and the adapters learn; on
 * the teacher's own features it reproduces the teacher's outputs, so {@code kl} and {@code ld} are zero there; what
 * cannot work is refused before the run folder exists; the saved student carries neither the copy nor the adapters.
 *
 * <p>The teacher is a freshly initialised RetinaNet (ResNet18 x0.25 + FPN 32, p3-p5) saved as a run model; the student
 * a CornerNet on a narrower FPN (16 channels), at 64 px.
 */
class TeacherHeadAssistantTest {

    @TempDir
    static Path shared;

    static Path teacherRun;

    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @BeforeAll
    static void setUp() {
        DistillationRunTest.registry = PluginManager.fromClasspath().registry();
        ResolvedConfig synth = DistillationRunTest.resolve(Map.of("dataset.synthetic", "coarse",
                "dataset.synthetic-images", "16", "dataset.synthetic-size", "64", "dataset.synthetic-val-fraction",
                "0.25"));
        DatasetSection.load(synth.section(DatasetSection.SECTION.prefix()), shared, 1);
        DistillationRunTest.data = shared.resolve("data");
        teacherRun = DistillationRunTest.saveTeacher(shared.resolve("teacher"), teacherKeys());
    }

    /** The teacher: a RetinaNet on ResNet18 x0.25 + FPN 32. */
    static Map<String, String> teacherKeys() {
        return DistillationRunTest.with(DistillationRunTest.student(), "model.backbone.width", "0.25",
                "model.neck.channels", "32");
    }

    /** A CornerNet student (FPN 16) distilled by kl through a frozen copy of the teacher's head. */
    static Map<String, String> crossKd() {
        return DistillationRunTest.with(DistillationRunTest.cornerNetStudent(), "teacher.run", teacherRun.toString(),
                "distill.assistant.type", "retinanet", "distill.assistant.source", "teacher",
                "distill.losses", "kl", "distill.loss.kl.type", "kl");
    }

    /** What a run builds before training: student, teacher, assistant, losses, the model the optimizer sees. */
    record Parts(DetectorBlock student, TeacherSection.Opened teacher, DistillationStep.Assistant assistant,
            List<DistillationStep.WeightedLoss> losses, DistillationModel model, DistillationStep step) {}

    static Parts build(Map<String, String> keys, NDManager manager) {
        ResolvedConfig config = DistillationRunTest.resolve(keys);
        LoaderConfig loader = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        int classes = DatasetSection.fromRoot(DistillationRunTest.data, BoxPolicy.ERROR).train().numClasses();
        TeacherSection.Opened opened = TeacherSection.open(config.section(TeacherSection.SECTION.prefix()),
                DistillationRunTest.registry, loader, Device.cpu());
        DetectorBlock student = DetectorBuilder.build(config, classes, loader.size(), Device.cpu(), manager);
        ComponentContext context = new ComponentContext(classes, List.of(), Device.cpu(), config.seed());
        AssistantHeads.Created created = AssistantHeads.create(config, student, opened, context).orElseThrow();
        Shape[] shapes = student.neck().block().getOutputShapes(student.backbone().block().getOutputShapes(
                new Shape[] {new Shape(1, 3, loader.size(), loader.size())}));
        DistillationStep.Assistant assistant = AssistantHeads.initialise(created, config, shapes, opened,
                loader.size(), manager);
        var pair = DistillationRun.pair(student, opened.teacher(), created.head());
        var losses = DistillationRun.createLosses(config, pair, opened.numClasses(), context);
        Map<String, Block> adapters = new LinkedHashMap<>();
        adapters.put("assistant", created.head().block());
        if (assistant.adapters() != null) {
            adapters.put("assistant-input", assistant.adapters());
        }
        DistillationModel model = new DistillationModel(student, adapters);
        // The task loss off (a = 0): only kl through the copied head moves the student.
        DistillationStep step = new DistillationStep(student, opened.teacher(), losses, 0, 1).withAssistant(assistant);
        return new Parts(student, opened, assistant, losses, model, step);
    }

    @Test
    void theCopiedHeadStaysTheTeachersWhileTheStudentsBackboneNeckAndAdaptersLearn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parts p = build(crossKd(), manager);
            try {
                assertThat(p.assistant().frozen()).isTrue();
                assertThat(p.assistant().weight()).as("no ground-truth loss on the copy by default").isZero();
                assertThat(p.assistant().adapters()).as("FPN 16 -> 32 needs adapters").isNotNull();
                Block teacherHead = ((io.hdkd.core.distill.DetectorTeacher) p.teacher().teacher()).detector().head()
                        .block();
                Block copy = p.assistant().head().block();
                // The optimizer (SGD with momentum and weight decay) never sees a parameter of the copy.
                List<Parameter> trainable = Trainer.trainableParameters(p.model());
                for (Pair<String, Parameter> c : copy.getParameters()) {
                    assertThat(trainable).doesNotContain(c.getValue());
                }
                Map<String, float[]> teacherBefore = values(teacherHead);
                assertThat(values(copy)).as("the copy starts as the teacher's head, bit for bit")
                        .usingRecursiveComparison().isEqualTo(teacherBefore);
                Map<String, float[]> backboneBefore = values(p.student().backbone().block());
                Map<String, float[]> neckBefore = values(p.student().neck().block());
                Map<String, float[]> adaptersBefore = values(p.assistant().adapters());

                Sgd sgd = new Sgd(0.9f, 1e-4f, manager);
                ParameterStore ps = new ParameterStore(manager, false);
                Engine.getInstance().setRandomSeed(7);
                for (int i = 0; i < 3; i++) {
                    p.step().beforeStep(new TrainingProgress(i, 3));
                    try (NDManager batchManager = manager.newSubManager()) {
                        NDArray images = batchManager.randomNormal(new Shape(2, 3, 64, 64));
                        DetectionBatch batch = new DetectionBatch(images, List.of(), List.of(), batchManager);
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            LossTerms terms = p.step().loss(ps, batch);
                            assertThat(terms.terms()).containsOnlyKeys("kd_kl");
                            assertThat(terms.total().getFloat()).isPositive();
                            collector.backward(terms.total());
                        }
                        sgd.step(trainable, 0.05f);
                    }
                }
                assertThat(values(copy)).as("the copy after 3 steps").usingRecursiveComparison()
                        .isEqualTo(teacherBefore);
                assertThat(changed(backboneBefore, values(p.student().backbone().block()))).isPositive();
                assertThat(changed(neckBefore, values(p.student().neck().block()))).isPositive();
                assertThat(changed(adaptersBefore, values(p.assistant().adapters())))
                        .as("every adapter parameter learned").isEqualTo(adaptersBefore.size());
            } finally {
                p.teacher().teacher().close();
            }
        }
    }

    @Test
    void onTheTeachersOwnFeaturesTheCopyGivesTheTeachersOutputsSoKlAndLdAreZero() {
        // A student with the teacher's channels: no adapters, so the copy can read the teacher's own levels. ld at
        // threshold 0 reads the box outputs at every anchor (a fresh teacher scores near its prior, 0.01).
        Map<String, String> keys = DistillationRunTest.with(crossKd(), "model.backbone.width", "0.25",
                "model.neck.channels", "32", "distill.losses", "kl, ld", "distill.loss.ld.type", "ld",
                "distill.loss.ld.score-threshold", "0");
        try (NDManager manager = NDManager.newBaseManager()) {
            Parts p = build(keys, manager);
            try (NDManager batchManager = manager.newSubManager()) {
                assertThat(p.assistant().adapters()).isNull();
                Engine.getInstance().setRandomSeed(11);
                NDArray images = batchManager.randomNormal(new Shape(2, 3, 64, 64));
                Taps teacher = p.teacher().teacher().forward(images);
                NDList levels = new NDList(teacher.get("p3"), teacher.get("p4"), teacher.get("p5"));
                List<HeadOutput> outputs = p.assistant().head().outputs();
                assertThat(outputs).extracting(HeadOutput::name).containsExactly("cls_p3", "cls_p4", "cls_p5",
                        "box_p3", "box_p4", "box_p5");
                Taps copied = copyOutputs(p, levels, batchManager);
                for (HeadOutput o : outputs) {
                    assertThat(copied.get(o.name()).toFloatArray()).as(o.name())
                            .containsExactly(teacher.get(o.name()).toFloatArray());
                }
                DistillationInput same = new DistillationInput(copied, teacher, null, List.of());
                // Features shifted on p3: the losses are not zero there, so the known answer is not their only value.
                NDList shifted = new NDList(levels.get(0).mul(1.5f), levels.get(1), levels.get(2));
                DistillationInput moved = new DistillationInput(copyOutputs(p, shifted, batchManager), teacher, null,
                        List.of());
                assertThat(p.losses()).extracting(DistillationStep.WeightedLoss::id).containsExactly("kl", "ld");
                for (DistillationStep.WeightedLoss l : p.losses()) {
                    assertThat(l.loss().compute(same).getFloat()).as(l.id()).isCloseTo(0f, within(1e-7f));
                    assertThat(l.loss().compute(moved).getFloat()).as(l.id()).isGreaterThan(1e-6f);
                }
            } finally {
                p.teacher().teacher().close();
            }
        }
    }

    /** The copied head's outputs on {@code levels}, by output name (what the step adds to the student's taps). */
    private static Taps copyOutputs(Parts p, NDList levels, NDManager manager) {
        NDList raw = p.assistant().head().block().forward(new ParameterStore(manager, false), levels, false);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, Integer> strides = new LinkedHashMap<>();
        List<HeadOutput> outputs = p.assistant().head().outputs();
        for (int i = 0; i < outputs.size(); i++) {
            arrays.put(outputs.get(i).name(), raw.get(i));
            strides.put(outputs.get(i).name(), outputs.get(i).stride());
        }
        return new Taps(arrays, strides);
    }

    @Test
    void aRunTrainsThroughTheCopyLogsKlAndSavesTheStudentAlone(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DistillationRun.distill(DistillationRunTest.resolve(crossKd()), DistillationRunTest.registry, run, false,
                false, new PrintStream(log, true));
        assertThat(log.toString()).contains("distill: assistant: the teacher's retinanet head, frozen, on the "
                + "student's [p3, p4, p5] (1x1 adapters on [p3, p4, p5])");
        List<JsonObject> steps = RunFolder.at(run).stepRecords();
        assertThat(steps).hasSize(3).allSatisfy(s -> {
            assertThat(s.get("loss_kd_kl").getAsDouble()).isPositive().isFinite();
            assertThat(s.keySet()).noneMatch(k -> k.startsWith("loss_assistant_"));
        });
        // RUN/model is the CornerNet student alone: its parameters are exactly those of a plain student (loading
        // checks the file's size against the model's), named as the detector's own.
        assertThat(Files.readString(run.resolve("model/config.properties"))).doesNotContain("distill.");
        try (NDManager m = NDManager.newBaseManager()) {
            DetectorBlock saved = SavedModel.load(run, DistillationRunTest.registry, Device.cpu(), m).detector();
            assertThat(saved.head().type()).isEqualTo("cornernet");
            assertThat(saved.getParameters().keys()).allMatch(k -> k.startsWith("01backbone")
                    || k.startsWith("02neck") || k.startsWith("03head"));
        }
    }

    @Test
    void theSourceIsWrittenWithTheRunsConfigurationSoAResumedRunReadsItBack(@TempDir Path tmp) throws Exception {
        ResolvedConfig config = DistillationRunTest.resolve(crossKd());
        assertThat(config.assistantFromTeacher()).isTrue();
        Path file = tmp.resolve("config.properties");
        Files.writeString(file, config.toProperties());
        assertThat(Files.readString(file)).contains("distill.assistant.source = teacher");
        ResolvedConfig again = DistillationRunTest.resolve(io.hdkd.core.config.ConfigFiles.read(file));
        assertThat(again.assistantFromTeacher()).isTrue();
        assertThat(again.asMap()).isEqualTo(config.asMap());
        // The default source is not written: configurations without the key read as before.
        Map<String, String> fresh = DistillationRunTest.with(crossKd(), "distill.assistant.source", "new");
        assertThat(DistillationRunTest.resolve(fresh).toProperties()).doesNotContain("distill.assistant.source");
    }

    @Test
    void aGivenGroundTruthWeightAppliesToTheCopyToo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parts p = build(DistillationRunTest.with(crossKd(), "distill.assistant-weight", "0.5"), manager);
            p.teacher().teacher().close();
            assertThat(p.assistant().weight()).isEqualTo(0.5);
        }
    }

    @Test
    void whatCannotWorkIsRefusedInOneLineBeforeTheRunFolderExists(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Path onnx = Path.of(TeacherHeadAssistantTest.class.getResource("/onnx/retinanet_fpn_teacher.onnx").toURI());
        Map<String, String> onnxTeacher = DistillationRunTest.with(crossKd(), "teacher.onnx.path", onnx.toString(),
                "teacher.onnx.outputs", "p3:8, p4:16, p5:32", "teacher.onnx.head-type", "retinanet");
        onnxTeacher.remove("teacher.run");
        assertRefused(onnxTeacher, run, "distill.assistant.source = teacher copies the teacher's trained head, but an "
                + "ONNX teacher (teacher.onnx.path) gives no head weights: use an hdkd run as the teacher "
                + "(teacher.run), or distill.assistant.source = new");

        assertRefused(DistillationRunTest.with(crossKd(), "model.neck.levels", "p3, p4"), run,
                "distill.assistant.source = teacher: the teacher's head reads level p5 (stride 32), which the student "
                        + "does not give (its levels: [c2, c3, c4, c5, p3, p4]); give the student's neck that level "
                        + "(e.g. model.neck.levels) or set distill.assistant.source = new");

        Map<String, String> otherType = DistillationRunTest.with(crossKd(), "distill.assistant.type", "cornernet");
        assertRefused(otherType, run, "distill.assistant.type = cornernet, but with distill.assistant.source = "
                + "teacher the assistant is a copy of the teacher's head, which is retinanet: set "
                + "distill.assistant.type = retinanet");

        // The copy is built with the teacher run's options: one given here would be ignored, so it is refused.
        assertThatThrownBy(() -> DistillationRunTest.resolve(DistillationRunTest.with(crossKd(),
                "distill.assistant.num-convs", "2"))).isInstanceOf(InvalidInputException.class)
                .hasMessage("distill.assistant.num-convs is set, but with distill.assistant.source = teacher the "
                        + "assistant is a copy of the teacher's head, built with the teacher run's options: remove it");
        assertThatThrownBy(() -> DistillationRunTest.resolve(DistillationRunTest.with(crossKd(),
                "distill.assistant.source", "student"))).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("bad value for distill.assistant.source: expected one of");
        assertThat(run).doesNotExist();
    }

    private static void assertRefused(Map<String, String> keys, Path run, String message) {
        assertThatThrownBy(() -> DistillationRun.distill(DistillationRunTest.resolve(keys),
                DistillationRunTest.registry, run, false, false, QUIET)).isInstanceOf(InvalidInputException.class)
                .hasMessage(message);
        assertThat(run).doesNotExist();
    }

    private static Map<String, float[]> values(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /** How many parameters differ between two snapshots of the same block. */
    private static long changed(Map<String, float[]> before, Map<String, float[]> after) {
        List<String> moved = new ArrayList<>();
        before.forEach((k, v) -> {
            if (!java.util.Arrays.equals(v, after.get(k))) {
                moved.add(k);
            }
        });
        return moved.size();
    }
}
