package io.hdkd.core.pipeline;

import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.distill.DetectorTeacher;
import io.hdkd.core.distill.DistillationModel;
import io.hdkd.core.distill.DistillationStep;
import io.hdkd.core.distill.Teacher;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.train.StepRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code hdkd distill}: a student ({@code model.*}) trained under a frozen teacher ({@code teacher.*}) with the
 * configured distillation losses ({@code distill.losses}), into a run folder with the same contract as
 * {@link TrainingRun}'s. The optimizer and the checkpoints cover the student and the losses' adapters
 * ({@link DistillationModel}); {@code RUN/model} holds the student alone, with a configuration that has no teacher,
 * distillation or loss keys, so {@code hdkd eval} and {@code hdkd predict} load it like any trained detector.
 * {@code metrics.jsonl} logs each loss term ({@code loss_task_*}, {@code loss_kd_<id>}) and the teacher's forward time
 * per step ({@code teacher_ms}) next to the whole step's ({@code step_ms}).
 */
public final class DistillationRun {

    /** The sections only distillation reads: dropped from the saved student's configuration. */
    static final List<String> DISTILL_SECTIONS =
            List.of(TeacherSection.SECTION.prefix(), DistillSection.SECTION.prefix());

    /**
     * A finished distillation run.
     *
     * @param teacherMillis mean teacher forward time per step over the run's logged steps, in ms
     * @param stepMillis mean time of a whole step (teacher, student forward and backward, update), in ms
     * @param teacherParameters the teacher's parameter count (0 for an ONNX teacher, whose weights ORT holds)
     */
    public record Outcome(TrainingRun.Outcome run, String teacher, double teacherMillis, double stepMillis,
            long teacherParameters) {}

    private DistillationRun() {}

    /**
     * Distils. With {@code resume}, continues from the run's latest checkpoint.
     *
     * @param registry the loaded plugins (a teacher run's components must be among them)
     * @param log where the progress bar and evaluation lines go
     */
    public static Outcome distill(ResolvedConfig config, ComponentRegistry registry, Path runDir, boolean resume,
            boolean force, PrintStream log) {
        // Refuse a bad teacher section or ratio before anything is opened.
        TeacherSection.check(config.section(TeacherSection.SECTION.prefix()));
        DistillSection.Ratio ratio = DistillSection.ratio(config.section(DistillSection.SECTION.prefix()));
        if (config.lossIds().isEmpty()) {
            throw new InvalidInputException("distill.losses is empty: list at least one distillation loss (e.g. "
                    + "distill.losses = pkd with distill.loss.pkd.type = pkd)");
        }
        int partitionEvery = DistillSection.partitionEvery(config.section(DistillSection.SECTION.prefix()));
        TeacherSection.Opened opened = TeacherSection.open(config.section(TeacherSection.SECTION.prefix()), registry,
                LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION)),
                TrainSection.device(config.section(TrainSection.SECTION.prefix())));
        List<String> configuredLevels = config.section(DistillSection.SECTION.prefix())
                .getList(DistillSection.PARTITION_LEVELS);
        try {
            checkLevels(configuredLevels, opened.teacher());
        } catch (InvalidInputException e) {
            opened.teacher().close();
            throw e;
        }
        // Every component (teacher, student, assistant, losses and their adapters, partitioner) is created before the
        // run folder is written: one that refuses its configuration leaves no folder that would need --force.
        try (Teacher teacher = opened.teacher();
                RunSession session = RunSession.start(config, runDir)) {
            log.println("distill: teacher " + opened.description());
            DetectorBlock student = session.buildDetector();
            ComponentContext context = new ComponentContext(session.numClasses(), List.of(), session.device(),
                    config.seed());
            Optional<AssistantHeads.Created> created = AssistantHeads.create(config, student, opened, context);
            DetectorHead assistant = created.map(AssistantHeads.Created::head).orElse(null);
            DistillationStep.Assistant trainedAssistant = created.map(a -> AssistantHeads.initialise(a, config,
                    session.featureShapes(student), opened, session.loaderConfig().size(), session.manager()))
                    .orElse(null);
            created.ifPresent(a -> log.println(AssistantHeads.describe(a, teacher.headType())));
            DistillationPair pair = pair(student, teacher, assistant);
            List<DistillationStep.WeightedLoss> losses = createLosses(config, pair, opened.numClasses(), context);
            checkDetections(losses, teacher);
            Map<String, Block> adapters = new LinkedHashMap<>();
            if (trainedAssistant != null) {
                adapters.put("assistant", assistant.block());
                if (trainedAssistant.adapters() != null) {
                    adapters.put("assistant-input", trainedAssistant.adapters());
                }
            }
            for (DistillationStep.WeightedLoss l : losses) {
                l.loss().adapter().ifPresent(a -> {
                    a.initialize(session.manager(), DataType.FLOAT32);
                    adapters.put(l.id(), a);
                });
            }
            DistillationModel model = new DistillationModel(student, adapters);
            FeaturePartitioner partitioner = config.component(ComponentSlot.PARTITIONER)
                    .map(c -> c.create(FeaturePartitioner.class, context.withPair(pair).withInputLevels(
                            teacher.levels())))
                    .orElse(null);
            List<String> partitionLevels = partitioner == null ? List.of()
                    : partitionLevels(configuredLevels, teacher, losses);
            if (partitioner != null) {
                log.println("distill: " + ComponentSlot.PARTITIONER.typeKey() + " splits " + partitionLevels + " into "
                        + partitioner.subspaces() + " subspaces, re-clustered every " + partitionEvery + " step(s)");
            }
            DistillationStep step = new DistillationStep(student, teacher, losses, partitioner, partitionLevels,
                    partitionEvery, session.manager(), ratio.task(), ratio.distill());
            step.withAssistant(trainedAssistant);
            session.openFolder(resume, force);
            TrainingRun.Outcome run = session.train(model, student, step, config.withoutDistillation(DISTILL_SECTIONS),
                    resume, "distill", log);
            return new Outcome(run, opened.description(), run.stepMeans().mean(DistillationStep.TEACHER_MS),
                    run.stepMeans().mean(StepRecord.STEP_MS), teacherParameters(teacher));
        }
    }

    /**
     * The teacher taps the partitioner splits: as configured, each checked against the teacher's levels, or else the
     * teacher levels the losses read, in the teacher's order.
     */
    static List<String> partitionLevels(List<String> configured, Teacher teacher, List<DistillationStep.WeightedLoss>
            losses) {
        List<String> chosen = checkLevels(configured, teacher);
        if (!chosen.isEmpty()) {
            return chosen;
        }
        List<String> teacherLevels = teacher.levels().stream().map(FeatureLevel::name).toList();
        Set<String> read = new HashSet<>();
        losses.forEach(l -> read.addAll(l.loss().taps()));
        for (String n : teacherLevels) {
            if (read.contains(n)) {
                chosen.add(n);
            }
        }
        if (chosen.isEmpty()) {
            throw new InvalidInputException(ComponentSlot.PARTITIONER.typeKey() + " is set, but no loss reads a teacher "
                    + "feature level; set " + PARTITION_LEVELS_KEY + " (teacher levels: " + teacherLevels + ")");
        }
        return chosen;
    }

    private static final String PARTITION_LEVELS_KEY =
            DistillSection.SECTION.prefix() + "." + DistillSection.PARTITION_LEVELS;

    /** The configured partition levels (blank entries dropped), each one a feature level of the teacher. */
    private static List<String> checkLevels(List<String> configured, Teacher teacher) {
        List<String> teacherLevels = teacher.levels().stream().map(FeatureLevel::name).toList();
        List<String> chosen = new ArrayList<>();
        for (String name : configured) {
            String n = name.strip();
            if (n.isEmpty()) {
                continue;
            }
            if (!teacherLevels.contains(n)) {
                throw new InvalidInputException("bad value for " + PARTITION_LEVELS_KEY + ": the teacher has no "
                        + "feature level '" + n + "'; it has " + teacherLevels);
            }
            chosen.add(n);
        }
        return chosen;
    }

    /** The pair the losses are sized from: every tap of both detectors and their head types. */
    static DistillationPair pair(DetectorBlock student, Teacher teacher) {
        return pair(student, teacher, null);
    }

    /**
     * The pair the losses are sized from. With an assistant head, the student side's head outputs and type are the
     * assistant's: losses on head outputs (e.g. {@code kl}) train the assistant, whose gradients reach the student's
     * backbone and neck; the student's own head learns from the ground truth and from losses that use it directly
     * ({@code detections}).
     */
    static DistillationPair pair(DetectorBlock student, Teacher teacher, DetectorHead assistant) {
        List<FeatureLevel> studentLevels = new ArrayList<>(student.backbone().levels());
        if (student.neck() != null) {
            studentLevels.addAll(student.neck().levels());
        }
        DetectorHead side = assistant != null ? assistant : student.head();
        return new DistillationPair(studentLevels, teacher.levels(), side.outputs(), teacher.outputs(), side.type(),
                teacher.headType());
    }

    /** A loss that needs the teacher's detections needs a teacher that gives them: refused by the loss's key. */
    static void checkDetections(List<DistillationStep.WeightedLoss> losses, Teacher teacher) {
        for (DistillationStep.WeightedLoss l : losses) {
            if (l.loss().needsTeacherDetections() && !teacher.givesDetections()) {
                throw new InvalidInputException("distill.loss." + l.id() + " needs the teacher's detections, but the"
                        + " teacher gives none (an ONNX teacher needs teacher.onnx.detections)");
            }
        }
    }

    /**
     * Creates each configured loss for the pair. A loss that compares head outputs (class logits) is refused, saying
     * why, when the two heads differ in type or in classes.
     *
     * @param teacherClasses the teacher's class count, or -1 when unknown
     */
    static List<DistillationStep.WeightedLoss> createLosses(ResolvedConfig config, DistillationPair pair,
            int teacherClasses, ComponentContext context) {
        List<DistillationStep.WeightedLoss> out = new ArrayList<>();
        List<String> ids = config.lossIds();
        List<ConfiguredComponent> components = config.losses();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            ConfiguredComponent c = components.get(i);
            String name = c.slot().prefix() + " (" + c.type() + ")";
            DistillationLoss loss;
            try {
                loss = c.create(DistillationLoss.class, context.withPair(pair));
            } catch (InvalidInputException e) {
                throw new InvalidInputException(name + ": " + e.getMessage(), e);
            }
            if (loss.requiresSameHeadType()) {
                if (!pair.sameHeadType()) {
                    throw new InvalidInputException(name + " reads head outputs such as class logits, which need the "
                            + "same head type; teacher is " + (pair.teacherHeadType() == null ? "headless (features "
                            + "only)" : pair.teacherHeadType()) + ", student is " + pair.studentHeadType()
                            + ": use a feature loss (fitnet, pkd, cwd)" + (pair.teacherHeadType() == null ? ""
                            : ", or give the student an assistant head of the teacher's type ("
                            + ComponentSlot.ASSISTANT.typeKey() + " = " + pair.teacherHeadType() + ")"));
                }
                if (teacherClasses >= 0 && teacherClasses != context.numClasses()) {
                    throw new InvalidInputException(name + " compares class outputs, but the teacher predicts "
                            + teacherClasses + " classes and the student's data has " + context.numClasses()
                            + ": use a teacher trained on the same classes, or a feature loss (fitnet, pkd, cwd)");
                }
            }
            out.add(new DistillationStep.WeightedLoss(id, config.lossWeight(id), loss, config.lossSchedule(id)));
        }
        return out;
    }

    private static long teacherParameters(Teacher teacher) {
        if (!(teacher instanceof DetectorTeacher d)) {
            return 0;
        }
        long n = 0;
        for (Pair<String, Parameter> p : d.detector().getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    /** One line on the teacher's cost, e.g. for the end of {@code hdkd distill}. */
    public static String overheadLine(Outcome o) {
        String params = o.teacherParameters() > 0
                ? String.format(Locale.ROOT, ", %.2f M parameters (%.1f MB float32)", o.teacherParameters() / 1e6,
                        o.teacherParameters() * 4 / 1e6)
                : "";
        return String.format(Locale.ROOT, "teacher forward %.1f ms per step of %.1f ms (%.0f%%)%s", o.teacherMillis(),
                o.stepMillis(), 100 * o.teacherMillis() / o.stepMillis(), params);
    }
}
