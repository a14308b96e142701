package io.hdkd.core.distill;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.hdkd.core.model.DetectorBlock;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What distillation trains: the student detector plus the losses' adapters, as one block so that the optimizer and
 * checkpoints cover both. The student alone is what gets exported ({@link #student()}); the adapters exist only
 * for training and are dropped then.
 */
public final class DistillationModel extends AbstractBlock {

    private static final byte VERSION = 1;

    private final DetectorBlock student;
    private final Map<String, Block> adapters;

    /**
     * @param adapters each loss id with its adapter block; the blocks must already be initialised (they are sized
     *     from the student's taps, which only the loss knows how to map)
     */
    public DistillationModel(DetectorBlock student, Map<String, Block> adapters) {
        super(VERSION);
        this.student = student;
        this.adapters = new LinkedHashMap<>(adapters);
        addChildBlock("student", student);
        for (Map.Entry<String, Block> e : adapters.entrySet()) {
            addChildBlock("adapter_" + e.getKey(), e.getValue());
        }
    }

    public DetectorBlock student() {
        return student;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return student.forward(ps, inputs, training, params);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        student.initialize(manager, dataType, inputShapes);
    }

    // The parts are initialised before they are assembled (the student by the detector builder, the adapters by the
    // host), so this block never sees an input shape to save: its own metadata is only the version.
    @Override
    protected void saveMetadata(DataOutputStream os) {}

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("unsupported DistillationModel version " + loadVersion);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return student.getOutputShapes(inputShapes);
    }
}
