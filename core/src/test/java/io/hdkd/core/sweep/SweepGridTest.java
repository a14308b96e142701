package io.hdkd.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepGridTest {

    @Test
    void pointsAreTheCartesianProductFirstKeySlowest() {
        SweepGrid grid = SweepGrid.parse(List.of("a.x=1, 2", "b=p,q,r"));
        assertThat(grid.points()).containsExactly(Map.of("a.x", "1", "b", "p"), Map.of("a.x", "1", "b", "q"),
                Map.of("a.x", "1", "b", "r"), Map.of("a.x", "2", "b", "p"), Map.of("a.x", "2", "b", "q"),
                Map.of("a.x", "2", "b", "r"));
        assertThat(grid.points().get(0).keySet()).containsExactly("a.x", "b");
        assertThat(SweepGrid.parse(List.of()).points()).containsExactly(Map.of());
    }

    @Test
    void badGridsAreNamed() {
        assertThatThrownBy(() -> SweepGrid.parse(List.of("lr"))).isInstanceOf(InvalidInputException.class)
                .hasMessage("--grid 'lr': expected key=value1,value2,...");
        assertThatThrownBy(() -> SweepGrid.parse(List.of("lr=1,,2"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("empty value");
        assertThatThrownBy(() -> SweepGrid.parse(List.of("lr=1", "lr=2"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("key 'lr' is given twice");
        assertThatThrownBy(() -> SweepGrid.parse(List.of("lr=1,1"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("listed twice");
    }

    @Test
    void runNamesAreSafeFolderNamesAndDistinct() {
        SweepRun run = new SweepRun(Map.of("distill.loss.x.levels", "p3 p4/p5"), 3);
        assertThat(run.name()).isEqualTo("distill.loss.x.levels=p3_p4_p5__seed=3");
        assertThat(new SweepRun(Map.of(), 1).name()).isEqualTo("seed=1");
        String longValue = "v".repeat(200);
        String a = new SweepRun(Map.of("k", longValue + "a"), 1).name();
        String b = new SweepRun(Map.of("k", longValue + "b"), 1).name();
        assertThat(a).hasSizeLessThanOrEqualTo(130).isNotEqualTo(b).endsWith("__seed=1");
    }
}
