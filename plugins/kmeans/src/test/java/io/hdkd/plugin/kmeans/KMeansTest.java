package io.hdkd.plugin.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansTest {

    @Test
    void separatesTwoBlobs() {
        float[] p = {0, 0, 0.1f, 0, 0, 0.1f, 10, 10, 10.1f, 10, 10, 10.1f};
        KMeans.Model m = KMeans.fit(p, 6, 2, 2, 50, 1e-6, 1, new Random(1));
        int[] labels = KMeans.assign(p, 6, 2, m.centres(), 2);

        assertThat(labels[0]).isEqualTo(labels[1]).isEqualTo(labels[2]);
        assertThat(labels[3]).isEqualTo(labels[4]).isEqualTo(labels[5]);
        assertThat(labels[0]).isNotEqualTo(labels[3]);
        // Each blob: squared distances to its mean (1/30, 1/30) sum to 12/900.
        assertThat(m.inertia()).isCloseTo(2 * 12.0 / 900, within(1e-5));
    }

    @Test
    void identicalPointsLandInClusterZeroWithoutNaN() {
        float[] p = new float[20];
        Arrays.fill(p, 1.5f);
        KMeans.Model m = KMeans.fit(p, 10, 2, 3, 20, 1e-4, 2, new Random(7));
        int[] labels = KMeans.assign(p, 10, 2, m.centres(), 3);

        assertThat(labels).containsOnly(0);
        assertThat(m.inertia()).isZero();
        for (float c : m.centres()) {
            assertThat(c).isEqualTo(1.5f);
        }
    }

    @Test
    void moreClustersThanDistinctPointsLeavesTheRestEmpty() {
        float[] p = {0, 0, 5, 5, 5, 9};
        KMeans.Model m = KMeans.fit(p, 6, 1, 5, 20, 1e-4, 3, new Random(3));
        int[] labels = KMeans.assign(p, 6, 1, m.centres(), 5);

        assertThat(Arrays.stream(labels).distinct().count()).isEqualTo(3);
        assertThat(labels[0]).isEqualTo(labels[1]);
        assertThat(labels[2]).isEqualTo(labels[3]).isEqualTo(labels[4]);
        assertThat(m.inertia()).isZero();
        for (float c : m.centres()) {
            assertThat(c).isIn(0f, 5f, 9f);
        }
    }

    @Test
    void emptyClusterIsReseededAtTheFarthestPoint() {
        float[] p = {0, 0, 1, 10, 10, 11};
        // Centre 2 at 100 attracts nothing in the first iteration.
        KMeans.Model m = KMeans.lloyd(p, 6, 1, new float[] {0, 10, 100}, 3, 20, 0);
        int[] labels = KMeans.assign(p, 6, 1, m.centres(), 3);

        assertThat(labels).contains(0, 1, 2);
        assertThat(m.centres()[2]).isNotEqualTo(100f);
        assertThat(m.inertia()).isLessThan(1.0);
    }

    @Test
    void emptyClusterKeepsItsCentreWhenEveryPointSitsOnACentre() {
        float[] p = {2, 2, 2, 2};
        KMeans.Model m = KMeans.lloyd(p, 4, 1, new float[] {2, 5}, 2, 10, 0);

        assertThat(m.centres()).containsExactly(2f, 5f);
        assertThat(KMeans.assign(p, 4, 1, m.centres(), 2)).containsOnly(0);
    }

    @Test
    void seedingPicksDistinctPointsWhileThereAreAny() {
        float[] p = {0, 3, 7};
        float[] c = KMeans.seedPlusPlus(p, new double[] {1, 1, 1}, 3, 1, 3, new Random(11));
        float[] sorted = c.clone();
        Arrays.sort(sorted);

        assertThat(sorted).containsExactly(0f, 3f, 7f);
    }

    @Test
    void sameSeedSameCentresAndStopsEarlyOnConvergence() {
        Random data = new Random(5);
        float[] p = new float[300];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) data.nextGaussian() + (i % 3 == 0 ? 4 : 0);
        }
        KMeans.Model a = KMeans.fit(p, 100, 3, 4, 100, 1e-6, 2, new Random(42));
        KMeans.Model b = KMeans.fit(p, 100, 3, 4, 100, 1e-6, 2, new Random(42));
        KMeans.Model c = KMeans.fit(p, 100, 3, 4, 100, 1e-6, 2, new Random(43));

        assertThat(a.centres()).containsExactly(b.centres());
        assertThat(a.inertia()).isEqualTo(b.inertia());
        assertThat(a.iterations()).isLessThan(100);
        assertThat(Arrays.stream(KMeans.assign(p, 100, 3, c.centres(), 4)).boxed()).allMatch(l -> l >= 0 && l < 4);
        assertThat(Double.isFinite(c.inertia())).isTrue();
    }
}
