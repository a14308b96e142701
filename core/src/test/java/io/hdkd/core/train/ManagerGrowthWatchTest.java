package io.hdkd.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The watch reports a manager that grows after the settling steps, once, and ignores what the data holds. */
class ManagerGrowthWatchTest {

    @Test
    void reportsGrowthAfterSettlingOnceAndIgnoresTheDatasArrays() {
        try (NDManager model = NDManager.newBaseManager(); NDManager data = model.newSubManager()) {
            ManagerGrowthWatch watch = new ManagerGrowthWatch(model);
            model.zeros(new ai.djl.ndarray.types.Shape(2));
            assertThat(watch.afterStep(1, data)).isNull();
            // the second step may still create state that lives all run (e.g. an optimizer's moments)
            model.zeros(new ai.djl.ndarray.types.Shape(2));
            assertThat(watch.afterStep(2, data)).isNull();
            // batches the data made ahead are not the step's doing
            data.zeros(new ai.djl.ndarray.types.Shape(2));
            data.zeros(new ai.djl.ndarray.types.Shape(2));
            assertThat(watch.afterStep(3, data)).isNull();
            model.zeros(new ai.djl.ndarray.types.Shape(2));
            assertThat(watch.afterStep(4, data)).contains("grew from 2 to 3 arrays by step 4");
            model.zeros(new ai.djl.ndarray.types.Shape(2));
            assertThat(watch.afterStep(5, data)).isNull();
        }
    }
}
