package io.hdkd.plugin.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KMeansPartitionerFactoryTest {

    private final KMeansPartitionerFactory factory = new KMeansPartitionerFactory();

    private KMeansSettings settings(long runSeed, String... keyValues) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            given.put(keyValues[i], keyValues[i + 1]);
        }
        Options options = Options.of("distill.partitioner.", factory.options(), given);
        return KMeansPartitionerFactory.settings(options, new ComponentContext(1, List.of(), Device.cpu(), runSeed));
    }

    @Test
    void everyOptionIsDescribedAndDefaultsAreValid() {
        assertThat(factory.name()).isEqualTo("kmeans");
        assertThat(factory.options()).extracting(OptionSpec::key).contains("subspaces", "iterations", "tolerance",
                "seed", "scale-weight", "position-weight", "feature-weight", "gt-scale-weight", "weighting",
                "max-points");

        KMeansSettings s = settings(1);
        assertThat(s.subspaces()).isEqualTo(4);
        assertThat(s.iterations()).isEqualTo(50);
        assertThat(s.maxPoints()).isEqualTo(20000);
        assertThat(s.weighting()).isEqualTo(Weighting.UNIFORM);
        assertThat(s.usesFeatures()).isFalse();
        assertThat(s.usesGtScale()).isFalse();
        assertThat(s.levelBalance()).isTrue();
        assertThat(s.dims()).isEqualTo(3);
    }

    @Test
    void seedDefaultsToOneDerivedFromTheRunSeed() {
        assertThat(settings(7).seed()).isEqualTo(settings(7).seed()).isNotEqualTo(settings(8).seed())
                .isNotEqualTo(7L);
        assertThat(settings(7, "seed", "123").seed()).isEqualTo(123L);
    }

    @Test
    void descriptorWidthFollowsTheWeightsInUse() {
        assertThat(settings(1, "feature-weight", "0.5").dims()).isEqualTo(4);
        assertThat(settings(1, "feature-weight", "0.5", "feature-summary", "projection", "feature-dims", "6").dims())
                .isEqualTo(9);
        assertThat(settings(1, "gt-scale-weight", "1", "position-weight", "0").dims()).isEqualTo(2);
    }

    @Test
    void crossOptionProblemsNameTheKey() {
        assertThatThrownBy(() -> settings(1, "subspaces", "0"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("bad value for distill.partitioner.subspaces: expected an integer >= 1, got '0'");
        assertThatThrownBy(() -> settings(1, "iterations", "0"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("distill.partitioner.iterations");
        assertThatThrownBy(() -> settings(1, "tolerance", "-1"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("distill.partitioner.tolerance");
        assertThatThrownBy(() -> settings(1, "position-weight", "-0.5"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("distill.partitioner.position-weight");
        assertThatThrownBy(() -> settings(1, "subspaces", "8", "max-points", "5"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("distill.partitioner.max-points");
        assertThatThrownBy(() -> settings(1, "scale-weight", "0", "position-weight", "0"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one of");
        assertThatThrownBy(() -> settings(1, "weighting", "equal"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("uniform, balanced");
        assertThatThrownBy(() -> settings(1, "subspace", "3"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("did you mean");
    }
}
