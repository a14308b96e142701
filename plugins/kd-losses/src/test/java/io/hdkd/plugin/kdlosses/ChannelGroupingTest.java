package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The channel split: correlation clustering into equal groups, and the grouped adapter that follows it. */
class ChannelGroupingTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** An {@code N x C x H x W} map whose channel c is (a positive multiple of) signal {@code source[c]}. */
    private NDArray copies(int[] source, int signals, long seed) {
        NDArray base = randn(manager, seed, 1, signals, 2 * 5 * 5);
        List<NDArray> channels = new ArrayList<>();
        for (int c = 0; c < source.length; c++) {
            // scaled copies: correlation ignores scale, so these still count as copies
            channels.add(base.get(source[c]).mul(manager.create(1f + c)).reshape(2, 1, 5, 5));
        }
        return NDArrays.concat(new NDList(channels), 1);
    }

    private static Set<Set<Integer>> groups(ChannelGrouping grouping, int count) {
        List<Set<Integer>> groups = new ArrayList<>();
        for (int g = 0; g < count; g++) {
            groups.add(new HashSet<>());
        }
        int[] groupOf = grouping.groupOf();
        for (int c = 0; c < groupOf.length; c++) {
            groups.get(groupOf[c]).add(c);
        }
        return new HashSet<>(groups);
    }

    @Test
    void copiesOfAChannelLandInOneGroup() {
        int[] source = {0, 1, 0, 1, 1, 0, 1, 0};
        ChannelGrouping grouping = ChannelGrouping.of(List.of(copies(source, 2, 11)), 2, 5L);
        assertThat(groups(grouping, 2)).containsExactlyInAnyOrder(Set.of(0, 2, 5, 7), Set.of(1, 3, 4, 6));
        // the permutation lists group 0's channels first, then group 1's, ascending within each
        int[] p = grouping.permutation();
        int[] groupOf = grouping.groupOf();
        for (int i = 1; i < p.length; i++) {
            assertThat(groupOf[p[i - 1]] < groupOf[p[i]] || (groupOf[p[i - 1]] == groupOf[p[i]] && p[i - 1] < p[i]))
                    .as("order at %d", i).isTrue();
        }
    }

    @Test
    void fourPairsOfCopiesAcrossTwoLevelsGiveFourGroupsForAnySeed() {
        int[] source = {3, 0, 2, 1, 0, 3, 1, 2};
        NDArray level3 = copies(source, 4, 21);
        NDArray level4 = copies(source, 4, 22).get(":, :, :3, :3");
        for (long seed = 0; seed < 5; seed++) {
            ChannelGrouping grouping = ChannelGrouping.of(List.of(level3, level4), 4, seed);
            assertThat(groups(grouping, 4)).as("seed %d", seed)
                    .containsExactlyInAnyOrder(Set.of(1, 4), Set.of(3, 6), Set.of(2, 7), Set.of(0, 5));
        }
    }

    @Test
    void correlationOfCopiesIsOne() {
        float[][] r = ChannelGrouping.correlation(List.of(copies(new int[] {0, 0, 1}, 2, 31)));
        assertThat(r[0][1]).isCloseTo(1f, within(1e-5f));
        assertThat(r[0][0]).isCloseTo(1f, within(1e-5f));
        assertThat(Math.abs(r[0][2])).isLessThan(0.9f);
    }

    @Test
    void refusesGroupsThatDoNotDivideTheChannels() {
        assertThatThrownBy(() -> ChannelGrouping.of(List.of(randn(manager, 1, 1, 1, 6, 2, 2)), 4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 channels");
    }

    @Test
    void groupedAdapterHasTheExpectedParameterCount() {
        assertThat(parameterCount(new SubspaceAdapter(8, 2, 3, 1))).isEqualTo(8 * (8 / 2) * 3 * 3 + 8);
        assertThat(parameterCount(new SubspaceAdapter(8, 4, 1, 1))).isEqualTo(8 * (8 / 4) + 8);
        assertThat(parameterCount(new SubspaceAdapter(8, 1, 3, 1))).isEqualTo(8 * 8 * 3 * 3 + 8);
    }

    private long parameterCount(SubspaceAdapter adapter) {
        adapter.initialize(manager, DataType.FLOAT32);
        long count = 0;
        for (Pair<String, Parameter> p : adapter.getParameters()) {
            count += p.getValue().getArray().size();
        }
        return count;
    }

    @Test
    void groupedAdapterSharesWeightsOnlyWithinTheClusteredGroups() {
        // channels {0, 3} and {1, 2} are the groups; a 1x1 grouped conv then mixes channel 0 only with channel 3
        int channels = 4;
        SubspaceAdapter adapter = new SubspaceAdapter(channels, 2, 1, 3);
        adapter.initialize(manager, DataType.FLOAT32);
        adapter.setGrouping(new ChannelGrouping(new int[] {0, 1, 1, 0}, new int[] {0, 3, 1, 2}));
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray x = randn(manager, 41, 1, 1, channels, 2, 2);
        NDArray base = adapter.adapt(x, ps, false);
        // perturbing channel 1 (group {1, 2}) leaves outputs 0 and 3 (group {0, 3}) unchanged, and vice versa
        NDArray bumped = x.duplicate();
        bumped.set(new NDIndex(":, 1"), x.get(":, 1").add(5f));
        NDArray out = adapter.adapt(bumped, ps, false);
        NDArray diff = out.sub(base).abs().sum(new int[] {0, 2, 3});
        float[] d = diff.toFloatArray();
        assertThat(d[0]).isZero();
        assertThat(d[3]).isZero();
        assertThat(d[1]).isGreaterThan(0f);
        assertThat(d[2]).isGreaterThan(0f);
    }

    @Test
    void permutationRoundTrips() {
        NDArray x = randn(manager, 51, 1, 2, 5, 3, 3);
        int[] order = {4, 2, 0, 1, 3};
        int[] inverse = {2, 3, 1, 4, 0};
        NDArray y = SubspaceAdapter.permute(x, order);
        assertThat(y.get(":, 0").contentEquals(x.get(":, 4"))).isTrue();
        assertThat(SubspaceAdapter.permute(y, inverse).contentEquals(x)).isTrue();
    }
}
