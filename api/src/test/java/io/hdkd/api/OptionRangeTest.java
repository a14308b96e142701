package io.hdkd.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPI 2's option ranges: inclusive bounds checked by {@link Options#of}, the old constructor kept, problems named. */
class OptionRangeTest {

    private static final List<OptionSpec> SPECS = List.of(
            OptionSpec.integer("epochs", 12, "Passes.").atLeast(1),
            OptionSpec.number("p", 0.5, "A probability.").range(0, 1),
            OptionSpec.longInteger("big", 5, "A long.").atMost(9_007_199_254_740_993.0),
            OptionSpec.integer("free", 0, "No range."));

    @Test
    void valuesInsideTheRangePassAtBothBounds() {
        Options o = Options.of("train.", SPECS, Map.of("epochs", "1", "p", "1.0"));
        assertThat(o.getInt("epochs")).isEqualTo(1);
        assertThat(o.getDouble("p")).isEqualTo(1.0);
        assertThat(Options.of("train.", SPECS, Map.of("p", "0")).getDouble("p")).isZero();
        assertThat(Options.of("train.", SPECS, Map.of("free", "-7")).getInt("free")).isEqualTo(-7);
    }

    @Test
    void aValueOutsideItsRangeNamesTheKeyTheRangeAndTheValue() {
        assertThatThrownBy(() -> Options.of("train.", SPECS, Map.of("epochs", "-3")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("bad value for train.epochs: expected an integer >= 1, got '-3'");
        assertThatThrownBy(() -> Options.of("x.", SPECS, Map.of("p", " 1.5 ")))
                .hasMessage("bad value for x.p: expected a number in [0, 1], got '1.5'");
    }

    @Test
    void longBoundsCompareExactly() {
        assertThatThrownBy(() -> Options.of("", SPECS, Map.of("big", Long.toString(Long.MAX_VALUE))))
                .hasMessageContaining("bad value for big");
        assertThat(Options.of("", SPECS, Map.of("big", "9007199254740992")).getLong("big"))
                .isEqualTo(9_007_199_254_740_992L);
    }

    @Test
    void theSpi1ConstructorHasNoRangeAndRangesOnlyFitNumbers() {
        OptionSpec old = new OptionSpec("k", OptionType.INT, "3", "d", false, List.of());
        assertThat(old.hasRange()).isFalse();
        assertThat(old.min()).isNull();
        assertThat(old.expected()).isEqualTo("an integer");
        assertThatThrownBy(() -> OptionSpec.string("s", "a", "d").atLeast(1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OptionSpec.integer("k", 0, "d").atLeast(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside its range");
        assertThatThrownBy(() -> OptionSpec.number("k", 0, "d").range(2, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangeTextForListings() {
        assertThat(SPECS.get(0).rangeText()).isEqualTo(">= 1");
        assertThat(SPECS.get(1).rangeText()).isEqualTo("in [0, 1]");
        assertThat(OptionSpec.number("q", 0.25, "d").range(0.01, 0.99).rangeText()).isEqualTo("in [0.01, 0.99]");
        assertThat(SPECS.get(3).rangeText()).isEmpty();
    }

    @Test
    void aProblemNamesTheFullKeyAndTheValueGiven() {
        Options o = Options.of("distill.loss.h.", SPECS, Map.of("epochs", "4"));
        OptionProblem p = o.problem("epochs", "must be even");
        assertThat(p.key()).isEqualTo("distill.loss.h.epochs");
        assertThat(p.message()).isEqualTo("bad value for distill.loss.h.epochs: must be even (got '4')");
        assertThatThrownBy(() -> new OptionProblem("a.b", "no key here")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultCheckFindsNothing() {
        ComponentFactory<Object> f = new ComponentFactory<>() {
            @Override
            public String name() {
                return "f";
            }

            @Override
            public String description() {
                return "d";
            }

            @Override
            public List<OptionSpec> options() {
                return SPECS;
            }

            @Override
            public Object create(Options options, ComponentContext context) {
                return null;
            }
        };
        assertThat(f.check(Options.defaults(SPECS))).isEmpty();
    }
}
