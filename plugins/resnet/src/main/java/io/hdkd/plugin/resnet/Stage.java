package io.hdkd.plugin.resnet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.hdkd.api.ForwardScope;
import io.hdkd.api.export.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/** One of torchvision's {@code layer1..layer4}: residual units in sequence, children named 0, 1, ... */
final class Stage extends AbstractBlock {

    private final List<ResidualUnit> units = new ArrayList<>();

    Stage(List<ResidualUnit> units) {
        super((byte) 1);
        for (int i = 0; i < units.size(); i++) {
            this.units.add(addChildBlock(Integer.toString(i), units.get(i)));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (ResidualUnit unit : units) {
            // Each unit in its own scope: its inner activations (BatchNorm outputs, the residual sum) are released
            // when it returns, as PyTorch frees them; what the backward pass needs, the graph keeps. The previous
            // unit's output is released once this one has read it (the stage's input is the caller's).
            NDList next = ForwardScope.run(x, in -> unit.forward(ps, in, training, params));
            if (x != inputs) {
                ForwardScope.release(x, next);
            }
            x = next;
        }
        return x;
    }

    OnnxGraph.Value export(OnnxGraph g, OnnxGraph.Value x) {
        for (ResidualUnit unit : units) {
            x = unit.export(g, x);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (ResidualUnit unit : units) {
            s = unit.getOutputShapes(s);
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        for (ResidualUnit unit : units) {
            s = Layers.init(unit, manager, dataType, s);
        }
    }
}
