package io.hdkd.plugin.kdlosses;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A feature loss over several levels: for each teacher level, the matched student tap is adapted (1x1 conv when
 * configured), resized bilinearly to the teacher's spatial size when the sizes differ, and compared by the
 * {@link LevelLoss}; the per-level losses (each a mean) are averaged, or summed, over the levels.
 *
 * <p>Teacher taps are moved into the student's engine and detached again ({@link Teacher#detached}) so that no
 * gradient can reach the teacher even if the host handed over an array that records one. Partitions and targets are
 * not used by these classic losses, except under {@code mask = gt} ({@link FocalImitation}): the ground truth then
 * gives each level's foreground and background masks, and the teacher's attention weights the error.
 */
final class FeatureLoss implements DistillationLoss {

    private final String type;
    private final List<LevelPair> pairs;
    private final FeatureAdapters adapters;
    private final int[] adapterIndex;
    private final LevelLoss levelLoss;
    private final boolean sumLevels;
    private final FocalImitation.Settings focal;
    private final Compared compared;
    private volatile Map<String, Double> diagnostics = Map.of();

    /**
     * How a loss compares maps under {@code mask = gt}: the map transform (e.g. standardisation) and a factor on the
     * foreground and background terms (pkd's 1/2).
     */
    record Compared(UnaryOperator<NDArray> transform, double scale) {}

    /**
     * @param adapterIndex per pair, the index of its adapter in {@code adapters}, or -1 for none
     * @param adapters null when no level has an adapter
     */
    FeatureLoss(String type, List<LevelPair> pairs, FeatureAdapters adapters, int[] adapterIndex, LevelLoss levelLoss,
            boolean sumLevels) {
        this(type, pairs, adapters, adapterIndex, levelLoss, sumLevels, null, null);
    }

    /**
     * @param focal the focal-imitation settings, or null for the plain level loss
     * @param compared how maps are compared under focal imitation (required with {@code focal})
     */
    FeatureLoss(String type, List<LevelPair> pairs, FeatureAdapters adapters, int[] adapterIndex, LevelLoss levelLoss,
            boolean sumLevels, FocalImitation.Settings focal, Compared compared) {
        if (focal != null && compared == null) {
            throw new IllegalArgumentException("focal imitation needs a comparison");
        }
        this.focal = focal;
        this.compared = compared;
        this.type = type;
        this.pairs = List.copyOf(pairs);
        this.adapters = adapters;
        this.adapterIndex = adapterIndex.clone();
        this.levelLoss = levelLoss;
        this.sumLevels = sumLevels;
    }

    /** The matched levels, in the configured order. */
    List<LevelPair> pairs() {
        return pairs;
    }

    /** Teacher taps then student taps (distinct), as the loss reads them. */
    @Override
    public List<String> taps() {
        Set<String> names = new LinkedHashSet<>();
        pairs.forEach(p -> names.add(p.teacher().name()));
        pairs.forEach(p -> names.add(p.student().name()));
        return new ArrayList<>(names);
    }

    @Override
    public boolean requiresSameHeadType() {
        return false;
    }

    @Override
    public Optional<Block> adapter() {
        return Optional.ofNullable(adapters);
    }

    @Override
    public NDArray compute(DistillationInput input) {
        if (adapters != null && !adapters.isInitialized()) {
            throw new IllegalStateException("loss '" + type + "': initialise its adapter block before training, e.g. "
                    + "adapter().get().initialize(manager, DataType.FLOAT32)");
        }
        ParameterStore parameterStore = null;
        NDArray total = null;
        Map<String, Double> diag = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            LevelPair pair = pairs.get(i);
            NDArray student = input.student().get(pair.student().name());
            NDArray teacher = Teacher.detached(input.teacher().get(pair.teacher().name()), student);
            if (adapterIndex[i] >= 0) {
                if (parameterStore == null) {
                    parameterStore = new ParameterStore(student.getManager(), false);
                }
                student = adapters.adapt(adapterIndex[i], student, parameterStore, true);
            }
            student = FeatureMaps.resize(student, teacher.getShape().get(2), teacher.getShape().get(3));
            FeatureMaps.requireSameShape("loss '" + type + "' level " + pair.teacher().name(), student, teacher);
            NDArray level;
            if (focal == null) {
                level = levelLoss.apply(student, teacher);
            } else {
                FocalImitation.Terms terms = focalTerms(input, pair, student, teacher);
                level = terms.weighted(focal, compared.scale());
                add(diag, "foreground", terms.foreground());
                add(diag, "background", terms.background());
                add(diag, "attention", terms.attention());
            }
            total = total == null ? level : total.add(level);
        }
        if (focal != null) {
            double n = sumLevels ? 1 : pairs.size();
            diag.replaceAll((k, v) -> v / n);
            diagnostics = Collections.unmodifiableMap(diag);
        }
        return sumLevels ? total : Scalars.div(total, pairs.size());
    }

    private FocalImitation.Terms focalTerms(DistillationInput input, LevelPair pair, NDArray student,
            NDArray teacher) {
        Shape s = teacher.getShape();
        NDArray[] masks = FocalImitation.masks(input.targets(), s.get(0), (int) s.get(2), (int) s.get(3),
                pair.teacher().stride(), student.getManager(), "loss '" + type + "' level " + pair.teacher().name());
        return FocalImitation.level(student, teacher, compared.transform().apply(student),
                compared.transform().apply(teacher), masks[0], masks[1], focal);
    }

    private static void add(Map<String, Double> diag, String key, NDArray scalar) {
        diag.merge(key, scalar.toType(DataType.FLOAT64, false).getDouble(), Double::sum);
    }

    /** Under {@code mask = gt}: the foreground, background and attention terms, unweighted, over the levels. */
    @Override
    public Map<String, Double> diagnostics() {
        return diagnostics;
    }
}
