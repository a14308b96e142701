package io.hdkd.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void sampleStandardDeviationDividesByNMinusOneAndIsUndefinedBelowTwoValues() {
        // mean 5, squared deviations 9 + 1 + 1 + 9 = 20, / 3
        assertThat(Statistics.sampleStandardDeviation(2, 4, 6, 8)).isCloseTo(Math.sqrt(20.0 / 3), within(1e-12));
        assertThat(Statistics.sampleStandardDeviation(0.3, 0.3)).isZero();
        assertThat(Statistics.sampleStandardDeviation(0.3)).isNaN();
        assertThat(Statistics.sampleStandardDeviation()).isNaN();
    }
}
