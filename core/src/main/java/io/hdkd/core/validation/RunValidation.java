package io.hdkd.core.validation;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionProblem;
import io.hdkd.api.Options;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DatasetSection;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.DistillSection;
import io.hdkd.core.pipeline.DistillationChecks;
import io.hdkd.core.pipeline.TeacherSection;
import io.hdkd.core.pipeline.TrainSection;
import io.hdkd.core.plugin.ComponentRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one validation pass that runs before anything is written: by {@code hdkd config check}, and at the start of
 * {@code train}, {@code distill} and {@code sweep} before the run folder is created. It checks, in order:
 *
 * <ol>
 *   <li>the host's sections' cross-value rules (ranges were already checked when the configuration resolved);
 *   <li>every configured component's declared checks ({@link io.hdkd.api.ComponentFactory#check});
 *   <li>the dataset: a dataset on disk is read with every image header decoded, an empty split is refused;
 *       synthetic scenes must give both splits an image;
 *   <li>the model: the detector is assembled once on the CPU (every check a factory makes when it creates its
 *       component, backbone weights included), then thrown away;
 *   <li>for distillation: the teacher is opened (an ONNX teacher's static input and output shapes checked against
 *       the loader first), each loss is created for the real pair, and the partitioner's K is compared with each
 *       loss's.
 * </ol>
 *
 * Steps 1-3 collect every problem; steps 4 and 5 need the earlier ones to pass and stop at their first problem.
 */
public final class RunValidation {

    /** What the configuration is for; {@link #CHECK} validates whatever it configures. */
    public enum Purpose {
        CHECK,
        TRAIN,
        DISTILL
    }

    private RunValidation() {}

    /**
     * Every problem found, one line each naming the key (or file) and what is expected; empty if the configuration
     * can run.
     */
    public static List<String> problems(ResolvedConfig config, ComponentRegistry registry, Purpose purpose) {
        List<String> problems = new ArrayList<>();
        sections(config, purpose, problems);
        components(config, problems);
        boolean needsModel = purpose != Purpose.CHECK || config.component(ComponentSlot.BACKBONE).isPresent()
                || config.component(ComponentSlot.HEAD).isPresent();
        boolean needsData = needsModel || hasData(config);
        int numClasses = -1;
        if (needsData) {
            Integer n = attempt(problems, () -> DatasetChecks.numClasses(
                    config.section(DatasetSection.SECTION.prefix())));
            numClasses = n == null ? -1 : n;
        }
        if (!problems.isEmpty() || !needsModel) {
            return problems;
        }
        boolean distill = purpose == Purpose.DISTILL
                || (purpose == Purpose.CHECK && (!config.lossIds().isEmpty() || teacherConfigured(config)));
        int classes = numClasses;
        attempt(problems, () -> {
            dryBuild(config, registry, classes, distill);
            return null;
        });
        return problems;
    }

    /**
     * Throws the first problem as bad input (exit 2), saying how many more there are.
     *
     * @throws InvalidInputException if the configuration cannot run
     */
    public static void require(ResolvedConfig config, ComponentRegistry registry, Purpose purpose) {
        List<String> problems = problems(config, registry, purpose);
        if (problems.isEmpty()) {
            return;
        }
        String more = problems.size() == 1 ? ""
                : " (and " + (problems.size() - 1) + " more problem" + (problems.size() == 2 ? "" : "s")
                        + "; 'hdkd config check' lists them all)";
        throw new InvalidInputException(problems.get(0) + more);
    }

    private static void sections(ResolvedConfig config, Purpose purpose, List<String> problems) {
        Options train = config.section(TrainSection.SECTION.prefix());
        attempt(problems, () -> TrainSection.settings(train, ""));
        attempt(problems, () -> TrainSection.schedule(train, 1));
        Options loaderOptions = config.section(LoaderConfig.SECTION);
        attempt(problems, () -> LoaderConfig.fromOptions(loaderOptions));
        attempt(problems, () -> AugmentConfig.fromOptions(config.section(AugmentConfig.SECTION)));
        Options dataset = config.section(DatasetSection.SECTION.prefix());
        attempt(problems, () -> {
            DatasetChecks.checkSettings(dataset);
            return null;
        });
        Options distillOptions = config.section(DistillSection.SECTION.prefix());
        attempt(problems, () -> DistillSection.ratio(distillOptions));
        attempt(problems, () -> DistillSection.partitionEvery(distillOptions));
        Options teacher = config.section(TeacherSection.SECTION.prefix());
        if (purpose == Purpose.DISTILL || teacherConfigured(config)) {
            attempt(problems, () -> {
                TeacherSection.checkValues(teacher);
                return null;
            });
        }
        if (purpose == Purpose.DISTILL && config.lossIds().isEmpty()) {
            problems.add("distill.losses is empty: list at least one distillation loss (e.g. distill.losses = pkd "
                    + "with distill.loss.pkd.type = pkd)");
        }
    }

    private static void components(ResolvedConfig config, List<String> problems) {
        List<ConfiguredComponent> all = new ArrayList<>();
        for (ComponentSlot slot : ComponentSlot.FIXED) {
            config.component(slot).ifPresent(all::add);
        }
        all.addAll(config.losses());
        for (ConfiguredComponent c : all) {
            List<OptionProblem> declared = attempt(problems, () -> c.component().factory().check(c.options()));
            if (declared != null) {
                declared.forEach(p -> problems.add(p.message()));
            }
        }
    }

    private static void dryBuild(ResolvedConfig config, ComponentRegistry registry, int numClasses, boolean distill) {
        LoaderConfig loader = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            DetectorBlock student = DetectorBuilder.build(config, numClasses, loader.size(), Device.cpu(), manager);
            if (distill) {
                DistillationChecks.check(config, registry, student, numClasses, loader);
            }
        }
    }

    /** Runs a check; an {@link InvalidInputException} becomes a problem line and null. */
    private static <T> T attempt(List<String> problems, Supplier<T> check) {
        try {
            return check.get();
        } catch (InvalidInputException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static boolean teacherConfigured(ResolvedConfig config) {
        Options t = config.section(TeacherSection.SECTION.prefix());
        return t.resolved().entrySet().stream().anyMatch(e -> isPathKey(t, e.getKey()) && !e.getValue().isBlank());
    }

    private static boolean isPathKey(Options o, String key) {
        return key.equals("run") || key.equals("onnx.path");
    }

    private static boolean hasData(ResolvedConfig config) {
        Options d = config.section(DatasetSection.SECTION.prefix());
        if (!d.getString("synthetic").equals("none")) {
            return true;
        }
        for (String key : List.of("root", "train-annotations", "train-images", "val-annotations", "val-images")) {
            if (!d.getString(key).isBlank()) {
                return true;
            }
        }
        return false;
    }
}
