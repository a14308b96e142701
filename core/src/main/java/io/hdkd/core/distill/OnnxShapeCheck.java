package io.hdkd.core.distill;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.loader.LoaderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an ONNX teacher's declared shapes against the loader before any work: a graph with a fixed input size
 * (e.g. 1x3x128x128) cannot take the loader's batches of another size, and a fixed output's size must be the input's
 * divided by the stride configured for it. The shape logic ({@link #problems}) is plain Java over the declared
 * shapes (-1 for a dynamic dimension), so it is tested and fuzzed without ONNX Runtime; {@link #check} reads the
 * shapes from the model's metadata.
 */
public final class OnnxShapeCheck {

    private OnnxShapeCheck() {}

    /**
     * Reads the model's declared shapes and checks them.
     *
     * @throws InvalidInputException on the first problem, naming the key to change
     */
    public static void check(Path file, String inputName, List<OnnxTeacher.OutputSpec> outputs, LoaderConfig loader) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("teacher.onnx.path: no such file: " + file);
        }
        Map<String, long[]> inputs = new LinkedHashMap<>();
        Map<String, long[]> outs = new LinkedHashMap<>();
        // DJL's ONNX Runtime engine creates the process's one OrtEnvironment with its own thread pool: start it first,
        // or it refuses to start after this check made a default one.
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(file.toString(), options)) {
            shapes(session.getInputInfo(), inputs);
            shapes(session.getOutputInfo(), outs);
        } catch (OrtException e) {
            throw new InvalidInputException("teacher.onnx.path: " + file + " is not an ONNX model ONNX Runtime can "
                    + "load: " + e.getMessage().replace('\n', ' '), e);
        }
        List<String> problems = problems(file.toString(), inputs, outs, inputName, outputs, loader);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems.get(0));
        }
    }

    private static void shapes(Map<String, NodeInfo> infos, Map<String, long[]> into) {
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t) {
                into.put(e.getKey(), t.getShape());
            } else {
                into.put(e.getKey(), null);
            }
        }
    }

    /**
     * Every problem of the declared shapes, one line each.
     *
     * @param inputs the graph's inputs and their shapes (null for a non-tensor input; -1 or less for dynamic)
     * @param outputs the graph's outputs and their shapes
     */
    public static List<String> problems(String model, Map<String, long[]> inputs, Map<String, long[]> outputs,
            String inputName, List<OnnxTeacher.OutputSpec> specs, LoaderConfig loader) {
        List<String> problems = new ArrayList<>();
        long[] in = inputs.get(inputName);
        // Found by fuzzing: a name with a line break (a .properties value may hold one) made a two-line message.
        model = printable(model);
        String input = printable(inputName);
        if (!inputs.containsKey(inputName)) {
            problems.add("bad value for teacher.onnx.input: " + model + " has no input '" + input + "'; it has "
                    + printable(inputs.keySet().toString()));
            return problems;
        }
        if (in == null || in.length != 4) {
            problems.add("bad value for teacher.onnx.input: input '" + input + "' of " + model + " must be a "
                    + "4-d tensor N x 3 x H x W, it is " + describe(in));
            return problems;
        }
        if (in[1] > 0 && in[1] != 3) {
            problems.add("teacher.onnx.input: input '" + input + "' of " + model + " takes " + in[1]
                    + " channels; hdkd feeds RGB (3)");
        }
        // A model of batch 1 is run image by image (OnnxTeacher), as one-image exports are; other fixed batches
        // must match the loader's.
        if (in[0] > 1 && in[0] != loader.batchSize()) {
            problems.add(model + " takes batches of exactly " + in[0] + " images (input '" + input + "' is "
                    + describe(in) + "); set data.loader.batch-size = " + in[0] + " and data.loader.drop-last = true, "
                    + "or export the model with a dynamic batch dimension");
        }
        long side = padded(loader);
        for (int axis = 2; axis < 4; axis++) {
            if (in[axis] <= 0) {
                continue;
            }
            if (loader.resizeMode() != LoaderConfig.ResizeMode.LONGER) {
                problems.add(model + " takes a fixed input size (" + describe(in) + "), which needs "
                        + "data.loader.resize = longer with data.loader.size = " + in[axis]);
                break;
            }
            if (in[axis] != side) {
                problems.add(model + " takes a fixed input of " + in[2] + "x" + in[3] + " (input '" + input
                        + "' is " + describe(in) + ") but data.loader.size = " + loader.size() + " gives batches of up "
                        + "to " + side + "x" + side + ": set data.loader.size = " + in[axis]
                        + ", or export the model with dynamic height and width");
                break;
            }
        }
        for (OnnxTeacher.OutputSpec spec : specs) {
            if (!outputs.containsKey(spec.name())) {
                problems.add("bad value for teacher.onnx.outputs: " + model + " has no output '" + printable(spec.name())
                        + "'; it has " + printable(outputs.keySet().toString()));
                continue;
            }
            long[] out = outputs.get(spec.name());
            if (out == null || out.length != 4) {
                continue; // detections and other non-map outputs are checked by the teacher when it opens
            }
            for (int axis = 2; axis < 4; axis++) {
                if (out[axis] > 0 && in[axis] > 0 && in[axis] / spec.stride() != out[axis]) {
                    problems.add("bad value for teacher.onnx.outputs: output '" + printable(spec.name()) + "' is "
                            + describe(out)
                            + " for an input of " + describe(in) + ", so its stride is not " + spec.stride()
                            + " (that would give " + in[axis] / spec.stride() + ")");
                    break;
                }
            }
        }
        return problems;
    }

    /** A name from the configuration or the model, with control characters escaped, so a message stays one line. */
    static String printable(String s) {
        return io.hdkd.core.io.Messages.printable(s);
    }

    /** The largest batch side the loader produces: its size rounded up to the size divisor. */
    static long padded(LoaderConfig loader) {
        long d = loader.sizeDivisor();
        return (loader.size() + d - 1) / d * d;
    }

    private static String describe(long[] shape) {
        if (shape == null) {
            return "not a tensor";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : " x ").append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return shape.length == 0 ? "a scalar" : b.toString();
    }
}
