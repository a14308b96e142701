package io.hdkd.core.pipeline;

import ai.djl.Device;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.distill.DistillationStep;
import io.hdkd.core.distill.Teacher;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.plugin.ComponentRegistry;
import java.util.List;
import java.util.Optional;

/**
 * The distillation part of the validation pass ({@code io.hdkd.core.validation.RunValidation}): opens the teacher
 * (an ONNX teacher's static shapes are checked against the loader first), creates every configured loss for the real
 * student-teacher pair and the partitioner, and compares each loss's K with the partitioner's; all before the run
 * folder exists. Throws the first problem.
 */
public final class DistillationChecks {

    private DistillationChecks() {}

    /**
     * @param student the configured student, built (on the CPU) for this check
     * @param numClasses the dataset's classes
     * @throws InvalidInputException on the first problem, naming the key to change
     */
    public static void check(ResolvedConfig config, ComponentRegistry registry, DetectorBlock student, int numClasses,
            LoaderConfig loader) {
        var teacherOptions = config.section(TeacherSection.SECTION.prefix());
        TeacherSection.checkOnnxShapes(teacherOptions, loader);
        TeacherSection.Opened opened = TeacherSection.open(teacherOptions, registry, loader, Device.cpu());
        try (Teacher teacher = opened.teacher()) {
            ComponentContext context = new ComponentContext(numClasses, List.of(), Device.cpu(), config.seed());
            DistillationPair pair = DistillationRun.pair(student, teacher, AssistantHeads.create(config, student,
                    opened, context).map(AssistantHeads.Created::head).orElse(null));
            List<DistillationStep.WeightedLoss> losses =
                    DistillationRun.createLosses(config, pair, opened.numClasses(), context);
            DistillationRun.checkDetections(losses, teacher);
            Optional<ConfiguredComponent> pc = config.component(ComponentSlot.PARTITIONER);
            if (pc.isEmpty()) {
                return;
            }
            FeaturePartitioner partitioner = pc.get().create(FeaturePartitioner.class,
                    context.withPair(pair).withInputLevels(teacher.levels()));
            DistillationRun.partitionLevels(config.section(DistillSection.SECTION.prefix())
                    .getList(DistillSection.PARTITION_LEVELS), teacher, losses);
            boolean hasSubspaces = pc.get().component().factory().options().stream()
                    .map(OptionSpec::key).anyMatch("subspaces"::equals);
            for (DistillationStep.WeightedLoss l : losses) {
                Optional<DistillationLoss.PartitionNeed> need = l.loss().partitionNeed();
                if (need.isPresent()) {
                    String problem = partitionMismatch(l.id(), need.get(), partitioner.subspaces(), hasSubspaces);
                    if (problem != null) {
                        throw new InvalidInputException(problem);
                    }
                }
            }
        }
    }

    /** A loss's K against the partitioner's, as one line naming both keys; null if they agree. */
    static String partitionMismatch(String lossId, DistillationLoss.PartitionNeed need, int partitionerK,
            boolean partitionerHasSubspacesOption) {
        if (need.subspaces() == partitionerK) {
            return null;
        }
        String lossKey = ComponentSlot.loss(lossId).key(need.optionKey());
        String partitionerKey = partitionerHasSubspacesOption ? ComponentSlot.PARTITIONER.key("subspaces")
                : "the partitioner's options";
        return lossKey + " is " + need.subspaces() + " but the partitioner (" + ComponentSlot.PARTITIONER.typeKey()
                + ") splits into " + partitionerK + " subspaces: set " + lossKey + " or " + partitionerKey
                + " so that both are the same K";
    }
}
