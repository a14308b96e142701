package io.hdkd.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.Neck;
import io.hdkd.api.NeckFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Neck}: a plugin's test extends this class and implements {@link #factory()}.
 *
 * <p>Checked: the block maps the input levels' maps to one {@code N x C x ceil(H/s) x ceil(W/s)} map per declared
 * level, in order, finite; a forward pass leaves no arrays in the manager the block was initialised in.
 */
public abstract class NeckContract extends ComponentContract<NeckFactory> {

    @Override
    protected String slotPrefix() {
        return "model.neck.";
    }

    /** The backbone levels the neck consumes: c3-c5 (strides 8-32) with 16, 32 and 64 channels by default. */
    protected List<FeatureLevel> inputLevels() {
        return List.of(new FeatureLevel("c3", 8, 16), new FeatureLevel("c4", 16, 32), new FeatureLevel("c5", 32, 64));
    }

    protected Shape inputShape() {
        return new Shape(64, 64);
    }

    protected final Neck createNeck() {
        return factory().create(validatedOptions(), baseContext(0).withInputLevels(inputLevels()));
    }


    @Test
    void mapsTheInputLevelsToOneMapPerDeclaredLevel() {
        try (NDManager m = NDManager.newBaseManager()) {
            Neck neck = createNeck();
            Engine.getInstance().setRandomSeed((int) seed());
            NDList features = Tensors.features(m, inputLevels(), 2, inputShape(), seed());
            neck.block().initialize(m, DataType.FLOAT32, features.getShapes());
            NDList out = neck.block().forward(new ParameterStore(m, false), features, false);
            assertLevels(neck.levels(), out, 2, inputShape(), "neck");
        }
    }

    @Test
    void aForwardPassLeavesNothingInTheModelsManager() {
        try (NDManager kept = NDManager.newBaseManager()) {
            Neck neck = createNeck();
            Engine.getInstance().setRandomSeed((int) seed());
            try (NDManager shapes = kept.newSubManager()) {
                neck.block().initialize(kept, DataType.FLOAT32,
                        Tensors.features(shapes, inputLevels(), 1, inputShape(), seed()).getShapes());
            }
            java.util.function.Consumer<NDManager> step = m -> neck.block().forward(new ParameterStore(m, false),
                    Tensors.features(m, inputLevels(), 1, inputShape(), seed()), false).head().getFloat(0, 0, 0, 0);
            try (NDManager warm = kept.newSubManager()) {
                step.accept(warm);
            }
            assertNoGrowth(kept, "a neck forward pass", step);
        }
    }

    static void assertLevels(List<FeatureLevel> levels, NDList out, int batch, Shape input, String what) {
        assertFalse(levels.isEmpty(), what + " levels() is empty");
        assertEquals(levels.size(), out.size(), what + " block returns one map per level of levels()");
        for (int i = 0; i < levels.size(); i++) {
            FeatureLevel l = levels.get(i);
            Shape hw = Tensors.levelSize(input, l.stride());
            assertEquals(new Shape(batch, l.channels(), hw.get(0), hw.get(1)), out.get(i).getShape(),
                    what + " level " + l.name() + " (stride " + l.stride() + ", " + l.channels() + " channels)");
            assertTrue(Tensors.allFinite(out.get(i)), what + " level " + l.name() + " has non-finite values");
        }
    }
}
