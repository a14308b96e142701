package io.hdkd.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each schedule's factor at hand-computed steps of a 100-step run. */
class WeightScheduleTest {

    private static double at(WeightSchedule s, long step) {
        return s.factor(new TrainingProgress(step, 100));
    }

    private static WeightSchedule parse(Map<String, String> given) {
        Options o = Options.of("x.", WeightSchedule.options("schedule", "the weight"), given);
        return WeightSchedule.of(o, "schedule");
    }

    @Test
    void decaysGoFromOneToTheFinalFactor() {
        WeightSchedule linear = parse(Map.of("schedule", "linear-decay"));
        assertThat(at(linear, 0)).isEqualTo(1.0);
        assertThat(at(linear, 25)).isCloseTo(0.75, within(1e-12));
        assertThat(at(linear, 100)).isEqualTo(0.0);
        WeightSchedule cosine = parse(Map.of("schedule", "cosine-decay", "schedule-final", "0.2"));
        assertThat(at(cosine, 0)).isCloseTo(1.0, within(1e-12));
        // q = 0.5: 0.2 + 0.8 * (1 + cos(pi/2)) / 2 = 0.6
        assertThat(at(cosine, 50)).isCloseTo(0.6, within(1e-12));
        assertThat(at(cosine, 100)).isCloseTo(0.2, within(1e-12));
        assertThat(at(cosine, 250)).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void warmupRampsFromZeroAndTheDecayStartsAfterIt() {
        WeightSchedule s = parse(Map.of("schedule", "linear-decay", "schedule-warmup", "20"));
        assertThat(at(s, 0)).isEqualTo(0.0);
        assertThat(at(s, 10)).isCloseTo(0.5, within(1e-12));
        assertThat(at(s, 20)).isCloseTo(1.0, within(1e-12));
        // q = (60 - 20) / 80 = 0.5
        assertThat(at(s, 60)).isCloseTo(0.5, within(1e-12));
        WeightSchedule constant = parse(Map.of("schedule-warmup", "4"));
        assertThat(constant.isConstant()).isFalse();
        assertThat(at(constant, 1)).isCloseTo(0.25, within(1e-12));
        assertThat(at(constant, 99)).isEqualTo(1.0);
    }

    @Test
    void stepMultipliesAtEachMilestone() {
        WeightSchedule s = parse(Map.of("schedule", "step", "schedule-milestones", "30, 60", "schedule-factor", "0.5"));
        assertThat(at(s, 29)).isEqualTo(1.0);
        assertThat(at(s, 30)).isEqualTo(0.5);
        assertThat(at(s, 59)).isEqualTo(0.5);
        assertThat(at(s, 60)).isEqualTo(0.25);
    }

    @Test
    void unknownProgressAndTheDefaultGiveOne() {
        assertThat(parse(Map.of()).isConstant()).isTrue();
        assertThat(parse(Map.of("schedule", "linear-decay")).factor(TrainingProgress.UNKNOWN)).isEqualTo(1.0);
        assertThat(WeightSchedule.CONSTANT.factor(new TrainingProgress(7, 10))).isEqualTo(1.0);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> parse(Map.of("schedule", "step")))
                .hasMessageStartingWith("bad value for x.schedule-milestones: a step schedule needs at least one");
        assertThatThrownBy(() -> parse(Map.of("schedule", "step", "schedule-milestones", "ten")))
                .hasMessageStartingWith("bad value for x.schedule-milestones: 'ten' is not a step number");
        assertThatThrownBy(() -> parse(Map.of("schedule-factor", "-1")))
                .hasMessageStartingWith("bad value for x.schedule-factor: must be a finite number >= 0");
        assertThatThrownBy(() -> parse(Map.of("schedule-warmup", "-3")))
                .hasMessageStartingWith("bad value for x.schedule-warmup: must be >= 0");
    }
}
