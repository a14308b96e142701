package io.hdkd.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.hdkd.api.Backbone;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.Neck;
import io.hdkd.api.Taps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A detector as one DJL block: backbone, optional neck, head. {@link #forward} returns the head's raw outputs;
 * {@link #forwardTaps} also returns every intermediate level by name, since DJL has no forward hooks and distillation
 * needs them.
 */
public final class DetectorBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Backbone backbone;
    private final Neck neck;
    private final DetectorHead head;

    /** @param neck may be null: the head then reads the backbone's levels */
    public DetectorBlock(Backbone backbone, Neck neck, DetectorHead head) {
        super(VERSION);
        this.backbone = backbone;
        this.neck = neck;
        this.head = head;
        addChildBlock("backbone", backbone.block());
        if (neck != null) {
            addChildBlock("neck", neck.block());
        }
        addChildBlock("head", head.block());
    }

    public Backbone backbone() {
        return backbone;
    }

    public Neck neck() {
        return neck;
    }

    public DetectorHead head() {
        return head;
    }

    /** The levels the head reads: the neck's, or the backbone's when there is no neck. */
    public List<FeatureLevel> headLevels() {
        return neck != null ? neck.levels() : backbone.levels();
    }

    /** The head's raw outputs; at inference ({@code training} false) on a channels-last copy of the images. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = inputs.singletonOrThrow();
        return forwardTaps(ps, training ? images : InferenceLayout.forInference(images), training).headOutputs();
    }

    /** Runs the whole detector and returns every level and head output by name. */
    public Result forwardTaps(ParameterStore ps, NDArray images, boolean training) {
        NDList features = backbone.block().forward(ps, new NDList(images), training);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, Integer> strides = new LinkedHashMap<>();
        put(arrays, strides, backbone.levels(), features);
        NDList pyramid = features;
        if (neck != null) {
            pyramid = neck.block().forward(ps, features, training);
            put(arrays, strides, neck.levels(), pyramid);
        }
        NDList raw = head.block().forward(ps, pyramid, training);
        List<HeadOutput> outs = head.outputs();
        for (int i = 0; i < outs.size() && i < raw.size(); i++) {
            arrays.put(outs.get(i).name(), raw.get(i));
            strides.put(outs.get(i).name(), outs.get(i).stride());
        }
        return new Result(raw, new Taps(arrays, strides));
    }

    private static void put(Map<String, NDArray> arrays, Map<String, Integer> strides, List<FeatureLevel> levels,
            NDList values) {
        for (int i = 0; i < levels.size() && i < values.size(); i++) {
            arrays.put(levels.get(i).name(), values.get(i));
            strides.put(levels.get(i).name(), levels.get(i).stride());
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.block().initialize(manager, dataType, inputShapes);
        Shape[] shapes = backbone.block().getOutputShapes(inputShapes);
        if (neck != null) {
            neck.block().initialize(manager, dataType, shapes);
            shapes = neck.block().getOutputShapes(shapes);
        }
        head.block().initialize(manager, dataType, shapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = backbone.block().getOutputShapes(inputShapes);
        if (neck != null) {
            shapes = neck.block().getOutputShapes(shapes);
        }
        return head.block().getOutputShapes(shapes);
    }

    /** The head's raw outputs and all taps of one forward pass. */
    public record Result(NDList headOutputs, Taps taps) {}
}
