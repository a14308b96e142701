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
import io.hdkd.api.Backbone;
import io.hdkd.api.BackboneFactory;
import io.hdkd.api.FeatureLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Backbone}: a plugin's test extends this class and implements {@link #factory()}.
 *
 * <p>Checked: its levels are named, with strides that grow; the block maps an image batch to one
 * {@code N x C x ceil(H/s) x ceil(W/s)} map per level, in order, finite; a forward pass leaves no arrays in the
 * manager the block was initialised in.
 */
public abstract class BackboneContract extends ComponentContract<BackboneFactory> {

    @Override
    protected String slotPrefix() {
        return "model.backbone.";
    }

    @Override
    protected List<String> reservedKeys() {
        return List.of("weights");
    }

    /** The input batch's (H, W). */
    protected Shape inputShape() {
        return new Shape(64, 64);
    }

    protected final Backbone createBackbone() {
        return factory().create(validatedOptions(), baseContext(0));
    }

    @Test
    void mapsAnImageBatchToOneMapPerDeclaredLevel() {
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone b = createBackbone();
            List<FeatureLevel> levels = b.levels();
            assertFalse(levels.isEmpty(), "levels() is empty");
            for (int i = 1; i < levels.size(); i++) {
                assertTrue(levels.get(i).stride() > levels.get(i - 1).stride(), "strides grow along levels()");
            }
            Shape input = new Shape(2, 3, inputShape().get(0), inputShape().get(1));
            Engine.getInstance().setRandomSeed((int) seed());
            b.block().initialize(m, DataType.FLOAT32, input);
            NDList out = b.block().forward(new ParameterStore(m, false),
                    new NDList(Tensors.gaussian(m, input, seed())), false);
            NeckContract.assertLevels(levels, out, 2, inputShape(), "backbone");
        }
    }

    @Test
    void aForwardPassLeavesNothingInTheModelsManager() {
        try (NDManager kept = NDManager.newBaseManager()) {
            Backbone b = createBackbone();
            Shape input = new Shape(1, 3, inputShape().get(0), inputShape().get(1));
            Engine.getInstance().setRandomSeed((int) seed());
            b.block().initialize(kept, DataType.FLOAT32, input);
            java.util.function.Consumer<NDManager> step = m -> b.block().forward(new ParameterStore(m, false),
                    new NDList(Tensors.gaussian(m, input, seed())), false).head().getFloat(0, 0, 0, 0);
            try (NDManager warm = kept.newSubManager()) {
                step.accept(warm);
            }
            assertNoGrowth(kept, "a backbone forward pass", step);
        }
    }

    // HOOK(export): ONNX export parity of the backbone's block, once io.hdkd.api.export is on this branch (see
    // HeadContract).
}
