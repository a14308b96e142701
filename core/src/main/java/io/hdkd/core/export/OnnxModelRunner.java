package io.hdkd.core.export;

import ai.djl.engine.Engine;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.export.DetectionOutputs;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ONNX model run by ONNX Runtime on float32 image batches, every output copied out as a flat array with its shape.
 * Used for exported hdkd models (parity tests, {@code hdkd eval/predict --model}).
 */
public final class OnnxModelRunner implements AutoCloseable {

    /** One output: float32 or int64 values (the other is null) and the shape. */
    public record Output(float[] floats, long[] longs, long[] shape) {}

    private final OrtSession session;
    private final String inputName;

    /** Opens a model file. */
    public static OnnxModelRunner open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("--model " + file + ": no such file");
        }
        try {
            return new OnnxModelRunner(environment().createSession(file.toString(), new OrtSession.SessionOptions()));
        } catch (OrtException e) {
            throw new InvalidInputException("--model " + file + ": ONNX Runtime cannot open it: " + e.getMessage(), e);
        }
    }

    /** Opens a model held in memory. */
    public static OnnxModelRunner of(byte[] model) {
        try {
            return new OnnxModelRunner(environment().createSession(model, new OrtSession.SessionOptions()));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused the model: " + e.getMessage(), e);
        }
    }

    private static OrtEnvironment environment() {
        // DJL's engine creates the process-wide ORT environment with its thread settings; it must come first.
        Engine.getEngine("OnnxRuntime");
        return OrtEnvironment.getEnvironment();
    }

    private OnnxModelRunner(OrtSession session) {
        this.session = session;
        this.inputName = session.getInputNames().contains(DetectionOutputs.INPUT)
                ? DetectionOutputs.INPUT
                : session.getInputNames().iterator().next();
    }

    /** The model's {@code metadata_props} (custom metadata). */
    public Map<String, String> metadata() {
        try {
            return session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One float32 input: values and shape. */
    public record Input(float[] values, long[] shape) {}

    /** Runs {@code images} ({@code shape}, usually {@code N x 3 x H x W}) and returns every output by name. */
    public Map<String, Output> run(float[] images, long[] shape) {
        return run(Map.of(inputName, new Input(images, shape)));
    }

    /**
     * Runs a model of several float32 inputs (e.g. a head alone, fed feature maps by level name) and returns every
     * output by name.
     */
    public Map<String, Output> run(Map<String, Input> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Input> e : inputs.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().values()),
                        e.getValue().shape()));
            }
            return outputs(tensors);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private Map<String, Output> outputs(Map<String, OnnxTensor> inputs) {
        try (OrtSession.Result result = session.run(inputs)) {
            Map<String, Output> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                TensorInfo info = t.getInfo();
                long[] dims = info.getShape();
                switch (info.type) {
                    case FLOAT -> {
                        FloatBuffer b = t.getFloatBuffer();
                        float[] v = new float[b.remaining()];
                        b.get(v);
                        out.put(e.getKey(), new Output(v, null, dims));
                    }
                    case INT64 -> {
                        LongBuffer b = t.getLongBuffer();
                        long[] v = new long[b.remaining()];
                        b.get(v);
                        out.put(e.getKey(), new Output(null, v, dims));
                    }
                    default -> throw new IllegalStateException("output " + e.getKey() + " has type " + info.type
                            + "; hdkd reads float32 and int64 outputs");
                }
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
