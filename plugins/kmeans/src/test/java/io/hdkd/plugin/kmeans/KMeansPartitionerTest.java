package io.hdkd.plugin.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.Options;
import io.hdkd.api.Partition;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KMeansPartitionerTest {

    private static final ComponentContext CONTEXT = new ComponentContext(3, List.of(), Device.cpu(), 2024L);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static FeaturePartitioner partitioner(String... keyValues) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            given.put(keyValues[i], keyValues[i + 1]);
        }
        KMeansPartitionerFactory factory = new KMeansPartitionerFactory();
        return factory.create(Options.of("partitioner.", factory.options(), given), CONTEXT);
    }

    private NDArray zeros(int n, int c, int h, int w) {
        return manager.zeros(new Shape(n, c, h, w));
    }

    private static int[] labels(Partition p, int level) {
        return p.assignments().get(level).toIntArray();
    }

    private static ImageTargets targets(NDManager m, float[][] boxes) {
        float[] flat = new float[boxes.length * 4];
        for (int i = 0; i < boxes.length; i++) {
            System.arraycopy(boxes[i], 0, flat, i * 4, 4);
        }
        return new ImageTargets(m.create(flat, new Shape(boxes.length, 4)), m.zeros(new Shape(boxes.length),
                DataType.INT32));
    }

    @Test
    void scaleAloneMakesEachOfTwoLevelsOneSubspace() {
        FeaturePartitioner p = partitioner("subspaces", "2", "position-weight", "0");
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 4), new FeatureLevel("p6", 64, 6));

        Partition part = p.partition(List.of(zeros(2, 4, 8, 8), zeros(2, 6, 1, 1)), levels, List.of());

        assertThat(part.subspaces()).isEqualTo(2);
        assertThat(part.assignments().get(0).getShape()).isEqualTo(new Shape(2, 8, 8));
        assertThat(part.assignments().get(1).getShape()).isEqualTo(new Shape(2, 1, 1));
        assertThat(part.assignments().get(0).getDataType()).isEqualTo(DataType.INT32);
        // Canonical order: the finer receptive field is subspace 0.
        assertThat(labels(part, 0)).containsOnly(0);
        assertThat(labels(part, 1)).containsOnly(1);
    }

    @Test
    void scaleDominatesTheDefaultPositionWeightAcrossOctaves() {
        FeaturePartitioner p = partitioner("subspaces", "2");
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 4), new FeatureLevel("p6", 64, 4));

        Partition part = p.partition(List.of(zeros(1, 4, 8, 8), zeros(1, 4, 1, 1)), levels, List.of());

        assertThat(labels(part, 0)).containsOnly(0);
        assertThat(labels(part, 1)).containsOnly(1);
    }

    @Test
    void levelBalanceKeepsACoarseLevelOfOneLocationFromBeingOutweighed() {
        // Strides 8 and 16 differ by one octave. Summed over points, splitting the 64 fine locations in halves saves
        // more than isolating the single coarse one; with every level weighing 1 in total, the opposite holds.
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 2), new FeatureLevel("p4", 16, 2));
        List<NDArray> features = List.of(zeros(1, 2, 8, 8), zeros(1, 2, 1, 1));
        for (String seed : List.of("1", "2", "3")) {
            Partition balanced = partitioner("subspaces", "2", "seed", seed).partition(features, levels, List.of());
            Partition byPoints = partitioner("subspaces", "2", "seed", seed, "level-balance", "false")
                    .partition(features, levels, List.of());

            assertThat(labels(balanced, 0)).as("seed %s", seed).containsOnly(0);
            assertThat(labels(balanced, 1)).as("seed %s", seed).containsOnly(1);
            assertThat(labels(byPoints, 0)).as("seed %s", seed).contains(0, 1);
        }
    }

    @Test
    void positionAloneSplitsOneLevelIntoQuadrants() {
        for (String seed : List.of("1", "2", "3")) {
            FeaturePartitioner p = partitioner("subspaces", "4", "scale-weight", "0", "seed", seed);
            Partition part = p.partition(List.of(zeros(1, 2, 8, 8)), List.of(new FeatureLevel("p3", 8, 2)),
                    List.of());

            int[] l = labels(part, 0);
            Set<Integer> quadrantLabels = new HashSet<>();
            for (int qy = 0; qy < 2; qy++) {
                for (int qx = 0; qx < 2; qx++) {
                    int first = l[(qy * 4) * 8 + qx * 4];
                    quadrantLabels.add(first);
                    for (int y = qy * 4; y < qy * 4 + 4; y++) {
                        for (int x = qx * 4; x < qx * 4 + 4; x++) {
                            assertThat(l[y * 8 + x]).as("seed %s, (%d,%d)", seed, y, x).isEqualTo(first);
                        }
                    }
                }
            }
            assertThat(quadrantLabels).as("seed %s", seed).containsExactlyInAnyOrder(0, 1, 2, 3);
            // Canonical order by centre (y first, then x): top-left, top-right, bottom-left, bottom-right.
            assertThat(new int[] {l[0], l[7], l[56], l[63]}).containsExactly(0, 1, 2, 3);
        }
    }

    @Test
    void positionsAreBroadcastSoTheBatchSizeDoesNotMatter() {
        FeaturePartitioner p = partitioner("subspaces", "3", "weighting", "balanced");
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 2), new FeatureLevel("p4", 16, 2));

        Partition one = p.partition(List.of(zeros(1, 2, 6, 6), zeros(1, 2, 3, 3)), levels, List.of());
        Partition three = p.partition(List.of(zeros(3, 2, 6, 6), zeros(3, 2, 3, 3)), levels, List.of());

        for (int level = 0; level < 2; level++) {
            int[] single = labels(one, level);
            int[] batch = labels(three, level);
            for (int n = 0; n < 3; n++) {
                assertThat(Arrays.copyOfRange(batch, n * single.length, (n + 1) * single.length))
                        .containsExactly(single);
            }
        }
        assertThat(three.weights()).containsExactly(one.weights());
    }

    @Test
    void positionClusteringIsReusedWhileTheGeometryStaysTheSame() {
        KMeansPartitioner p = (KMeansPartitioner) partitioner("subspaces", "2");
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 2));

        Partition first = p.partition(List.of(zeros(1, 2, 4, 4)), levels, List.of());
        Partition second = p.partition(List.of(zeros(2, 2, 4, 4)), levels, List.of());
        assertThat(p.positionFits()).isEqualTo(1);
        assertThat(Arrays.copyOf(labels(second, 0), 16)).containsExactly(labels(first, 0));

        p.partition(List.of(zeros(1, 2, 6, 4)), levels, List.of());
        assertThat(p.positionFits()).isEqualTo(2);
        p.partition(List.of(zeros(1, 2, 6, 4)), List.of(new FeatureLevel("p4", 16, 2)), List.of());
        assertThat(p.positionFits()).isEqualTo(3);
    }

    @Test
    void allIdenticalPointsLandInOneSubspaceWithoutNaN() {
        // Constant features only: the standardised column is all zeros, every descriptor the same.
        FeaturePartitioner p = partitioner("subspaces", "4", "scale-weight", "0", "position-weight", "0",
                "feature-weight", "1", "weighting", "balanced");
        NDArray f = manager.ones(new Shape(2, 3, 4, 4)).mul(7);

        Partition part = p.partition(List.of(f), List.of(new FeatureLevel("c3", 8, 3)), List.of());

        assertThat(labels(part, 0)).containsOnly(0);
        assertThat(part.weights()).containsExactly(1f, 0f, 0f, 0f);
    }

    @Test
    void moreSubspacesThanDistinctPointsLeavesValidEmptySubspaces() {
        List<FeatureLevel> level = List.of(new FeatureLevel("p5", 32, 2));
        Partition balanced = partitioner("subspaces", "4", "scale-weight", "0", "weighting", "balanced")
                .partition(List.of(zeros(2, 2, 1, 2)), level, List.of());
        Partition uniform = partitioner("subspaces", "4", "scale-weight", "0")
                .partition(List.of(zeros(2, 2, 1, 2)), level, List.of());

        assertThat(labels(balanced, 0)).containsExactly(0, 1, 0, 1);
        assertThat(balanced.weights()).containsExactly(0.5f, 0.5f, 0f, 0f);
        assertThat(uniform.weights()).containsExactly(0.25f, 0.25f, 0.25f, 0.25f);
        assertThat(balanced.mask(0, 3).sum().getFloat()).isZero();
    }

    @Test
    void balancedWeightsAreInverseToLocationCountsAndSumToOne() {
        FeaturePartitioner p = partitioner("subspaces", "2", "position-weight", "0", "weighting", "balanced");
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 2), new FeatureLevel("p4", 16, 2));

        Partition part = p.partition(List.of(zeros(2, 2, 4, 4), zeros(2, 2, 2, 2)), levels, List.of());

        // 16 vs 4 locations per image: weights 1/16 : 1/4, normalised.
        float[] w = part.weights();
        assertThat(w[0]).isCloseTo(0.2f, within(1e-6f));
        assertThat(w[1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(w[0] + w[1]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void gtScaleSeparatesLocationsInASmallBoxFromThoseInALargeBox() {
        FeaturePartitioner p = partitioner("subspaces", "2", "scale-weight", "0", "position-weight", "0",
                "gt-scale-weight", "1");
        List<FeatureLevel> level = List.of(new FeatureLevel("p3", 8, 2));
        // 8x8 cells of stride 8 on a 64x64 input. Small box: cells (0..1, 0..1). Large box: cells (2..7, 2..7).
        ImageTargets boxes = targets(manager, new float[][] {{0, 0, 16, 16}, {16, 16, 64, 64}});

        Partition part = p.partition(List.of(zeros(1, 2, 8, 8)), level, List.of(boxes));

        int[] l = labels(part, 0);
        int small = l[0];
        int large = l[7 * 8 + 7];
        assertThat(small).isNotEqualTo(large);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                if (y < 2 && x < 2) {
                    assertThat(l[y * 8 + x]).isEqualTo(small);
                } else if (y >= 2 && x >= 2) {
                    assertThat(l[y * 8 + x]).isEqualTo(large);
                }
            }
        }
    }

    @Test
    void gtScaleIsPerImage() {
        FeaturePartitioner p = partitioner("subspaces", "2", "scale-weight", "0", "position-weight", "0",
                "gt-scale-weight", "1");
        List<FeatureLevel> level = List.of(new FeatureLevel("p3", 8, 2));
        // Image 0: a small box top-left, a large one elsewhere; image 1: the same small box bottom-right.
        ImageTargets first = targets(manager, new float[][] {{0, 0, 8, 8}, {0, 16, 32, 32}});
        ImageTargets second = targets(manager, new float[][] {{24, 24, 32, 32}, {0, 0, 32, 16}});

        Partition part = p.partition(List.of(zeros(2, 2, 4, 4)), level, List.of(first, second));

        int[] l = labels(part, 0);
        assertThat(l[0]).isEqualTo(l[16 + 15]);
        assertThat(l[15]).isEqualTo(l[16]);
        assertThat(l[0]).isNotEqualTo(l[15]);
    }

    @Test
    void smallestCoveringBoxGivesTheScaleAndDegenerateBoxesStayFinite() {
        float[] boxes = {0, 0, 64, 64, 8, 8, 12, 12, 30, 30, 30, 30};

        assertThat(LocationDescriptors.smallestBoxScale(boxes, 10, 10)).isCloseTo(2f, within(1e-6f));
        assertThat(LocationDescriptors.smallestBoxScale(boxes, 40, 40)).isCloseTo(6f, within(1e-6f));
        assertThat(LocationDescriptors.smallestBoxScale(boxes, 30, 30)).isZero();
        assertThat(LocationDescriptors.smallestBoxScale(boxes, 70, 10)).isNaN();
        assertThat(LocationDescriptors.smallestBoxScale(new float[0], 1, 1)).isNaN();
    }

    @Test
    void featureMeanSeparatesActivatedFromQuietLocations() {
        FeaturePartitioner p = partitioner("subspaces", "2", "scale-weight", "0", "position-weight", "0",
                "feature-weight", "1");
        float[] data = new float[2 * 3 * 4 * 4];
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        data[((n * 3 + c) * 4 + y) * 4 + x] = x < 2 ? 5f + c : -1f;
                    }
                }
            }
        }

        Partition part = p.partition(List.of(manager.create(data, new Shape(2, 3, 4, 4))),
                List.of(new FeatureLevel("c4", 16, 3)), List.of());

        int[] l = labels(part, 0);
        for (int i = 0; i < l.length; i++) {
            int x = i % 4;
            assertThat(l[i]).isEqualTo(x < 2 ? l[0] : l[2]);
        }
        assertThat(l[0]).isNotEqualTo(l[2]);
    }

    @Test
    void featureProjectionComparesLevelsWithDifferentChannelCounts() {
        FeaturePartitioner p = partitioner("subspaces", "2", "scale-weight", "0", "position-weight", "0",
                "feature-weight", "1", "feature-summary", "projection", "feature-dims", "3");
        // Two levels (5 and 9 channels); in both the top row holds one pattern, the rest another.
        List<NDArray> features = List.of(patterned(5, 4), patterned(9, 2));
        List<FeatureLevel> levels = List.of(new FeatureLevel("c3", 8, 5), new FeatureLevel("c4", 16, 9));

        Partition part = p.partition(features, levels, List.of());

        for (int level = 0; level < 2; level++) {
            int side = level == 0 ? 4 : 2;
            int[] l = labels(part, level);
            for (int i = 0; i < l.length; i++) {
                assertThat(l[i]).isEqualTo(i < side ? l[0] : l[side]);
            }
            assertThat(l[0]).isNotEqualTo(l[side]);
        }
    }

    @Test
    void halfPrecisionFeaturesGiveTheSameAnswerAndAreLeftAsTheyWere() {
        Random data = new Random(4);
        float[] values = new float[2 * 6 * 4 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.round(data.nextGaussian() * 8) / 8; // exact in float16
        }
        NDArray single = manager.create(values, new Shape(2, 6, 4, 4));
        NDArray half = single.toType(DataType.FLOAT16, true);
        List<FeatureLevel> level = List.of(new FeatureLevel("c3", 8, 6));

        for (String summary : List.of("mean", "projection")) {
            FeaturePartitioner p = partitioner("subspaces", "3", "feature-weight", "2", "feature-summary", summary);
            int[] fromSingle = labels(p.partition(List.of(single), level, List.of()), 0);
            int[] fromHalf = labels(p.partition(List.of(half), level, List.of()), 0);
            assertThat(fromHalf).as(summary).containsExactly(fromSingle);
        }
        assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
        assertThat(half.getManager()).isSameAs(manager);
        assertThat(half.isReleased()).isFalse();
    }

    private NDArray patterned(int channels, int side) {
        float[] data = new float[channels * side * side];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < side * side; i++) {
                boolean top = i < side;
                data[c * side * side + i] = top ? (c % 2 == 0 ? 4f : -4f) : (c % 2 == 0 ? -4f : 4f);
            }
        }
        return manager.create(data, new Shape(1, channels, side, side));
    }

    @Test
    void sameSeedGivesTheSameAssignmentAndOtherSeedsStayValid() {
        Random data = new Random(9);
        float[] values = new float[2 * 4 * 6 * 6];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.nextGaussian();
        }
        NDArray f = manager.create(values, new Shape(2, 4, 6, 6));
        List<FeatureLevel> level = List.of(new FeatureLevel("c3", 8, 4));

        int[] a = labels(partitioner("subspaces", "3", "feature-weight", "1", "seed", "5")
                .partition(List.of(f), level, List.of()), 0);
        int[] b = labels(partitioner("subspaces", "3", "feature-weight", "1", "seed", "5")
                .partition(List.of(f), level, List.of()), 0);
        assertThat(a).containsExactly(b);

        for (String seed : List.of("6", "7")) {
            Partition other = partitioner("subspaces", "3", "feature-weight", "1", "seed", seed,
                    "weighting", "balanced").partition(List.of(f), level, List.of());
            assertThat(Arrays.stream(labels(other, 0)).boxed()).allMatch(x -> x >= 0 && x < 3);
            float sum = 0;
            for (float w : other.weights()) {
                assertThat(w).isBetween(0f, 1f);
                sum += w;
            }
            assertThat(sum).isCloseTo(1f, within(1e-5f));
        }
    }

    @Test
    void maxPointsFitsOnASubsampleAndStillAssignsEveryLocation() {
        FeaturePartitioner capped = partitioner("subspaces", "4", "scale-weight", "0", "max-points", "12");
        List<FeatureLevel> level = List.of(new FeatureLevel("p3", 8, 2));

        Partition part = capped.partition(List.of(zeros(2, 2, 8, 8)), level, List.of());
        Partition again = capped.partition(List.of(zeros(2, 2, 8, 8)), level, List.of());

        int[] l = labels(part, 0);
        assertThat(l).hasSize(128);
        assertThat(Arrays.stream(l).boxed()).allMatch(x -> x >= 0 && x < 4);
        assertThat(l).containsExactly(labels(again, 0));
        // Assignment to the nearest centre keeps clusters spatially coherent: at least two subspaces in use.
        assertThat(Arrays.stream(l).distinct().count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void mismatchedInputsAreRejected() {
        FeaturePartitioner p = partitioner();
        List<FeatureLevel> two = List.of(new FeatureLevel("p3", 8, 2), new FeatureLevel("p4", 16, 2));

        assertThatThrownBy(() -> p.partition(List.of(zeros(1, 2, 4, 4)), two, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one feature map per level");
        assertThatThrownBy(() -> p.partition(List.of(zeros(1, 2, 4, 4), zeros(2, 2, 2, 2)), two, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
        assertThatThrownBy(() -> p.partition(List.of(manager.zeros(new Shape(2, 4, 4))),
                List.of(new FeatureLevel("p3", 8, 2)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N x C x H x W");
    }
}
