package io.hdkd.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Partition;
import io.hdkd.api.PartitionerFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link FeaturePartitioner}: a plugin's test extends this class and implements
 * {@link #factory()}.
 *
 * <p>Checked: the partition has {@code subspaces()} subspaces and one weight each (finite, not negative); one int32
 * {@code N x H x W} assignment per level; every location assigned to exactly one subspace (the masks of all
 * subspaces sum to one everywhere); the same inputs give the same partition; an option that sets K is called
 * {@code subspaces} (the name the {@code hdkd} loss's own {@code subspaces} option must match, and the key sweeps
 * vary) and sets {@code subspaces()}; partitioning leaves no arrays in a long-lived manager.
 */
public abstract class PartitionerContract extends ComponentContract<PartitionerFactory> {

    @Override
    protected String slotPrefix() {
        return "distill.partitioner.";
    }

    /** The teacher levels partitioned: p3-p5 (strides 8-32) with 8 channels by default. */
    protected List<FeatureLevel> levels() {
        return List.of(new FeatureLevel("p3", 8, 8), new FeatureLevel("p4", 16, 8), new FeatureLevel("p5", 32, 8));
    }

    protected Shape inputShape() {
        return new Shape(64, 64);
    }

    protected List<ImageTargets> targets(NDManager manager) {
        return Tensors.defaultTargets(manager, 3);
    }

    protected final FeaturePartitioner createPartitioner(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(options());
        all.putAll(extra);
        return factory().create(io.hdkd.api.Options.of(slotPrefix(), factory().options(), all),
                baseContext(3).withInputLevels(levels()));
    }

    private Partition partition(FeaturePartitioner p, NDManager m) {
        List<ImageTargets> targets = targets(m);
        NDList features = Tensors.features(m, levels(), targets.size(), inputShape(), seed());
        return p.partition(features, levels(), targets);
    }

    @Test
    void everyLocationOfEveryLevelIsAssignedToExactlyOneSubspace() {
        try (NDManager m = NDManager.newBaseManager()) {
            FeaturePartitioner p = createPartitioner(Map.of());
            int k = p.subspaces();
            assertTrue(k >= 1, "subspaces() is " + k);
            Partition partition = partition(p, m);
            int batch = targets(m).size();
            assertEquals(k, partition.subspaces(), "the partition's subspaces differ from subspaces()");
            assertEquals(levels().size(), partition.assignments().size(), "one assignment array per level");
            float[] weights = partition.weights();
            assertEquals(k, weights.length, "one weight per subspace");
            for (float w : weights) {
                assertTrue(Float.isFinite(w) && w >= 0, "subspace weight " + w + " is negative or not finite");
            }
            for (int l = 0; l < levels().size(); l++) {
                NDArray a = partition.assignments().get(l);
                Shape hw = Tensors.levelSize(inputShape(), levels().get(l).stride());
                assertEquals(new Shape(batch, hw.get(0), hw.get(1)), a.getShape(),
                        "level " + levels().get(l).name() + "'s assignment is N x H x W");
                assertEquals(DataType.INT32, a.getDataType(), "assignments are int32");
                NDArray covered = m.zeros(new Shape(batch, 1, hw.get(0), hw.get(1)));
                for (int s = 0; s < k; s++) {
                    covered = covered.add(partition.mask(l, s));
                }
                float[] c = covered.toFloatArray();
                for (int i = 0; i < c.length; i++) {
                    if (c[i] != 1f) {
                        throw new AssertionError("level " + levels().get(l).name() + ": location " + i
                                + " is in " + c[i] + " subspaces, not exactly one (assignments outside [0, " + k
                                + ")?)");
                    }
                }
            }
        }
    }

    @Test
    void theSameInputsGiveTheSamePartition() {
        try (NDManager m = NDManager.newBaseManager()) {
            Partition a = partition(createPartitioner(Map.of()), m);
            Partition b = partition(createPartitioner(Map.of()), m);
            for (int l = 0; l < levels().size(); l++) {
                assertArrayEquals(a.assignments().get(l).toIntArray(), b.assignments().get(l).toIntArray(),
                        "level " + levels().get(l).name() + " is partitioned differently on the same inputs");
            }
        }
    }

    @Test
    void theNumberOfSubspacesIsTheOptionNamedSubspaces() {
        OptionSpec k = factory().options().stream().filter(o -> o.key().equals("subspaces")).findFirst()
                .orElse(null);
        if (k == null) {
            // A partitioner with a fixed K needs no option; one whose K is configurable must call it 'subspaces'.
            assertTrue(factory().options().stream().noneMatch(o -> o.key().matches("(?i)k|num-?subspaces|clusters")),
                    "the option that sets K must be called 'subspaces'");
            return;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            FeaturePartitioner p = createPartitioner(Map.of("subspaces", "3"));
            assertEquals(3, p.subspaces(), "subspaces=3 gives subspaces() " + p.subspaces());
            assertEquals(3, partition(p, m).subspaces());
        }
    }

    @Test
    void partitioningLeavesNothingInALongLivedManager() {
        try (NDManager kept = NDManager.newBaseManager()) {
            FeaturePartitioner p = createPartitioner(Map.of());
            try (NDManager warm = kept.newSubManager()) {
                partition(p, warm);
            }
            assertNoGrowth(kept, "partition", m -> partition(p, m));
        }
    }
}
