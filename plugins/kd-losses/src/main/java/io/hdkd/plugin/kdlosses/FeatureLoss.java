package io.hdkd.plugin.kdlosses;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A feature loss over several levels: for each teacher level, the matched student tap is adapted (1x1 conv when
 * configured), resized bilinearly to the teacher's spatial size when the sizes differ, and compared by the
 * {@link LevelLoss}; the per-level losses (each a mean) are averaged, or summed, over the levels.
 *
 * <p>Teacher taps are moved into the student's engine and detached again ({@link Teacher#detached}) so that no
 * gradient can reach the teacher even if the host handed over an array that records one. Partitions and targets are
 * not used by these classic losses.
 */
final class FeatureLoss implements DistillationLoss {

    private final String type;
    private final List<LevelPair> pairs;
    private final FeatureAdapters adapters;
    private final int[] adapterIndex;
    private final LevelLoss levelLoss;
    private final boolean sumLevels;

    /**
     * @param adapterIndex per pair, the index of its adapter in {@code adapters}, or -1 for none
     * @param adapters null when no level has an adapter
     */
    FeatureLoss(String type, List<LevelPair> pairs, FeatureAdapters adapters, int[] adapterIndex, LevelLoss levelLoss,
            boolean sumLevels) {
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
            NDArray level = levelLoss.apply(student, teacher);
            total = total == null ? level : total.add(level);
        }
        return sumLevels ? total : Scalars.div(total, pairs.size());
    }
}
