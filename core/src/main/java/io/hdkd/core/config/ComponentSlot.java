package io.hdkd.core.config;

import io.hdkd.api.ComponentKind;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.WeightSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A place in the configuration where one component is chosen: its prefix (e.g. {@code model.backbone}), the kind
 * it takes, and the keys under it that the host reserves for itself (e.g. {@code weights}). {@code <prefix>.type}
 * picks the factory; every other key under the prefix goes to that component's options.
 */
public record ComponentSlot(String prefix, ComponentKind kind, List<String> hostKeys) {

    public static final String TYPE = "type";
    public static final String WEIGHTS = "weights";
    /** A distillation loss's weight in the total ({@code distill.loss.<id>.weight}); the host applies it. */
    public static final String WEIGHT = "weight";
    /**
     * A distillation loss's weight schedule ({@code distill.loss.<id>.schedule}, {@code schedule-warmup}, ...; see
     * {@link WeightSchedule}); the host applies it to the weight.
     */
    public static final String SCHEDULE = "schedule";
    static final List<OptionSpec> SCHEDULE_OPTIONS = WeightSchedule.options(SCHEDULE, "the loss's weight");
    /**
     * Where the assistant head comes from ({@code distill.assistant.source}): {@code new}, a fresh head trained with
     * the student; {@code teacher}, a frozen copy of the teacher's trained head (CrossKD-style).
     */
    public static final String SOURCE = "source";
    public static final String SOURCE_NEW = "new";
    public static final String SOURCE_TEACHER = "teacher";
    static final List<OptionSpec> ASSISTANT_OPTIONS = List.of(OptionSpec.choice(SOURCE, SOURCE_NEW, "new: a fresh "
            + "head of distill.assistant.type with the distill.assistant.* options, trained with the student; "
            + "teacher: a frozen copy of the teacher run's head (its options and trained weights), fed the student's "
            + "levels through trainable 1x1 adapters (CrossKD)", SOURCE_NEW, SOURCE_TEACHER));

    public static final ComponentSlot BACKBONE = new ComponentSlot("model.backbone", ComponentKind.BACKBONE, List.of(WEIGHTS));
    public static final ComponentSlot NECK = new ComponentSlot("model.neck", ComponentKind.NECK, List.of());
    public static final ComponentSlot HEAD = new ComponentSlot("model.head", ComponentKind.HEAD, List.of());
    public static final ComponentSlot PARTITIONER =
            new ComponentSlot("distill.partitioner", ComponentKind.PARTITIONER, List.of());
    /**
     * An assistant head (HEAD-style) of the teacher's head type on the student's neck during distillation: it trains
     * on the ground truth and on the losses that need the teacher's head type, shaping the student's backbone and
     * neck, and is dropped when the student is saved. {@code distill.assistant.source} ({@link #SOURCE}) is the host's.
     */
    public static final ComponentSlot ASSISTANT =
            new ComponentSlot("distill.assistant", ComponentKind.HEAD, List.of(SOURCE));

    /** The named list of distillation losses, each configured under {@code distill.loss.<id>}. */
    public static final String LOSSES_KEY = "distill.losses";
    public static final String LOSS_PREFIX = "distill.loss";

    /** The fixed slots, in the order a resolved configuration lists them. */
    public static final List<ComponentSlot> FIXED = List.of(BACKBONE, NECK, HEAD, PARTITIONER, ASSISTANT);

    public ComponentSlot {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(kind, "kind");
        hostKeys = List.copyOf(hostKeys);
    }

    /** The slot of the loss with the given id, {@code distill.loss.<id>}. */
    public static ComponentSlot loss(String id) {
        List<String> hostKeys = new ArrayList<>(List.of(WEIGHT));
        SCHEDULE_OPTIONS.forEach(o -> hostKeys.add(o.key()));
        return new ComponentSlot(LOSS_PREFIX + "." + id, ComponentKind.LOSS, hostKeys);
    }

    public String typeKey() {
        return prefix + "." + TYPE;
    }

    public String key(String relative) {
        return prefix + "." + relative;
    }
}
