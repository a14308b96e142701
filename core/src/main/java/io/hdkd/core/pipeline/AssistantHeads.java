package io.hdkd.core.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.distill.DetectorTeacher;
import io.hdkd.core.distill.DistillationStep;
import io.hdkd.core.distill.FrozenHeadCopy;
import io.hdkd.core.distill.LevelAdapters;
import io.hdkd.core.model.DetectorBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The assistant head of a distillation run ({@code distill.assistant.*}), from either source:
 * <ul>
 *   <li>{@code new} (HEAD-style): a fresh head of {@code distill.assistant.type} with the {@code distill.assistant.*}
 *       options on the student's head levels, trained with the student;</li>
 *   <li>{@code teacher} (CrossKD-style): the teacher run's head rebuilt by its plugin with the teacher run's options,
 *       given the teacher head's trained weights and frozen, reading the student's levels of the teacher head's names
 *       through trainable 1x1 adapters where the channels differ.</li>
 * </ul>
 * {@link #create} makes every check that can refuse the assistant, so that the validation pass and the run refuse it
 * before the run folder exists; {@link #initialise} then sizes it and, for a copy, gives it the teacher's weights.
 */
final class AssistantHeads {

    /** The key that chooses the source, for messages. */
    static final String SOURCE_KEY = ComponentSlot.ASSISTANT.key(ComponentSlot.SOURCE);

    /**
     * A created assistant, not yet initialised.
     *
     * @param studentLevels the student's levels it reads, in the head's order
     * @param teacherLevels for a copy of the teacher's head, the teacher head's levels the student's map to (same
     *     order); empty for a fresh head
     */
    record Created(DetectorHead head, List<FeatureLevel> studentLevels, List<FeatureLevel> teacherLevels,
            boolean fromTeacher) {}

    private AssistantHeads() {}

    /** The configured assistant, created and checked; empty when none is configured. */
    static Optional<Created> create(ResolvedConfig config, DetectorBlock student, TeacherSection.Opened teacher,
            ComponentContext context) {
        Optional<ConfiguredComponent> c = config.component(ComponentSlot.ASSISTANT);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(config.assistantFromTeacher() ? copyOfTeacher(c.get(), student, teacher, context)
                : fresh(c.get(), student, teacher, context));
    }

    /**
     * Sizes the assistant for the run ({@code manager} owns its parameters and adapters) and, for a copy of the
     * teacher's head, gives it the teacher's trained weights and freezes it.
     *
     * @param featureShapes the student's head-level shapes (for a fresh head)
     * @param teacher the opened teacher (for a copy: its head's weights and feature shapes)
     * @param inputSize the side the loader resizes to (only to size parameters)
     */
    static DistillationStep.Assistant initialise(Created created, ResolvedConfig config, Shape[] featureShapes,
            TeacherSection.Opened teacher, int inputSize, NDManager manager) {
        List<String> levels = created.studentLevels().stream().map(FeatureLevel::name).toList();
        double weight = DistillSection.assistantWeight(config.section(DistillSection.SECTION.prefix()),
                created.fromTeacher());
        if (!created.fromTeacher()) {
            created.head().block().initialize(manager, DataType.FLOAT32, featureShapes);
            return new DistillationStep.Assistant(created.head(), levels, weight);
        }
        DetectorBlock trained = ((DetectorTeacher) teacher.teacher()).detector();
        created.head().block().initialize(manager, DataType.FLOAT32, teacherFeatureShapes(trained, inputSize));
        try {
            FrozenHeadCopy.copy(trained.head().block(), created.head().block());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(SOURCE_KEY + " = teacher: the " + created.head().type() + " head its "
                    + "plugin builds from the teacher run's options is not the teacher's trained head: "
                    + e.getMessage());
        }
        LevelAdapters adapters = new LevelAdapters(created.studentLevels(), created.teacherLevels(), config.seed());
        adapters.initialize(manager, DataType.FLOAT32);
        return new DistillationStep.Assistant(created.head(), levels, weight,
                adapters.isIdentity() ? null : adapters, true);
    }

    /** One line for the run's log saying what the assistant is. */
    static String describe(Created created, String teacherHeadType) {
        List<String> levels = created.studentLevels().stream().map(FeatureLevel::name).toList();
        if (created.fromTeacher()) {
            List<String> adapted = new ArrayList<>();
            for (int i = 0; i < levels.size(); i++) {
                if (created.studentLevels().get(i).channels() != created.teacherLevels().get(i).channels()) {
                    adapted.add(levels.get(i));
                }
            }
            return "distill: assistant: the teacher's " + created.head().type() + " head, frozen, on the student's "
                    + levels + (adapted.isEmpty() ? "" : " (1x1 adapters on " + adapted + ")");
        }
        return "distill: assistant " + created.head().type() + " head on the student's " + levels
                + (created.head().type().equals(teacherHeadType) ? ""
                        : " (not the teacher's head type " + teacherHeadType + ")");
    }

    private static Created fresh(ConfiguredComponent c, DetectorBlock student, TeacherSection.Opened teacher,
            ComponentContext context) {
        String name = ComponentSlot.ASSISTANT.typeKey() + " = " + c.type();
        DetectorHead head;
        try {
            head = c.create(DetectorHead.class, context.withInputLevels(student.headLevels()));
        } catch (InvalidInputException e) {
            throw new InvalidInputException(name + ": " + e.getMessage(), e);
        }
        if (head.type().equals(student.head().type())) {
            throw new InvalidInputException(name + " is the student's own head type; an assistant head is of the"
                    + " teacher's type (" + teacher.teacher().headType() + ")");
        }
        return new Created(head, student.headLevels(), List.of(), false);
    }

    private static Created copyOfTeacher(ConfiguredComponent c, DetectorBlock student, TeacherSection.Opened teacher,
            ComponentContext context) {
        String chosen = SOURCE_KEY + " = teacher";
        if (teacher.head() == null || !(teacher.teacher() instanceof DetectorTeacher trained)) {
            throw new InvalidInputException(chosen + " copies the teacher's trained head, but an ONNX teacher "
                    + "(teacher.onnx.path) gives no head weights: use an hdkd run as the teacher (teacher.run), or "
                    + SOURCE_KEY + " = new");
        }
        String teacherType = trained.headType();
        if (!c.type().equals(teacherType)) {
            throw new InvalidInputException(ComponentSlot.ASSISTANT.typeKey() + " = " + c.type() + ", but with "
                    + chosen + " the assistant is a copy of the teacher's head, which is " + teacherType + ": set "
                    + ComponentSlot.ASSISTANT.typeKey() + " = " + teacherType);
        }
        if (teacher.numClasses() != context.numClasses()) {
            throw new InvalidInputException(chosen + ": the teacher's head predicts " + teacher.numClasses()
                    + " classes and the student's data has " + context.numClasses() + "; use a teacher trained on "
                    + "the same classes");
        }
        List<FeatureLevel> teacherLevels = trained.detector().headLevels();
        List<FeatureLevel> studentLevels = new ArrayList<>();
        List<FeatureLevel> available = new ArrayList<>(student.backbone().levels());
        if (student.neck() != null) {
            available.addAll(student.neck().levels());
        }
        for (FeatureLevel t : teacherLevels) {
            FeatureLevel s = available.stream().filter(l -> l.name().equals(t.name())).findFirst().orElse(null);
            if (s == null || s.stride() != t.stride()) {
                throw new InvalidInputException(chosen + ": the teacher's head reads level " + t.name() + " (stride "
                        + t.stride() + "), which the student " + (s == null ? "does not give" : "gives at stride "
                        + s.stride()) + " (its levels: " + available.stream().map(FeatureLevel::name).toList()
                        + "); give the student's neck that level (e.g. model.neck.levels) or set " + SOURCE_KEY
                        + " = new");
            }
            studentLevels.add(s);
        }
        DetectorHead head;
        try {
            head = teacher.head().create(DetectorHead.class, context.withInputLevels(teacherLevels));
        } catch (RuntimeException e) {
            throw new InvalidInputException(chosen + ": the teacher's " + teacherType + " head cannot be built again "
                    + "by its plugin: " + e.getMessage(), e);
        }
        return new Created(head, studentLevels, teacherLevels, true);
    }

    /** The shapes of the teacher's head levels for an input of {@code size} x {@code size}. */
    private static Shape[] teacherFeatureShapes(DetectorBlock teacher, int size) {
        Shape[] shapes = teacher.backbone().block().getOutputShapes(new Shape[] {new Shape(1, 3, size, size)});
        return teacher.neck() == null ? shapes : teacher.neck().block().getOutputShapes(shapes);
    }
}
