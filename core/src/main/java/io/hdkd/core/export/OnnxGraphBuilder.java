package io.hdkd.core.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.hdkd.api.export.OnnxGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * hdkd's {@link OnnxGraph}: nodes and initializers go straight into an ONNX {@link GraphProto} (the protobuf classes
 * of tribuo-util-onnx). Every value remembers its rank where it is known, because ONNX's Pad needs all axes.
 *
 * <p>Nodes are written for the semantics of opset 13 that later opsets up to {@link #MAX_OPSET} keep: Slice, Pad and
 * Resize take their parameters as inputs, no ReduceMax (its axes moved to an input at 18), no Split.
 */
public final class OnnxGraphBuilder implements OnnxGraph {

    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 21;
    public static final int DEFAULT_OPSET = 17;

    /** A value of the graph: its name and rank (-1 where unknown). */
    record Tensor(String name, int rank) implements Value {}

    private final int opset;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<String, Integer> counters = new HashMap<>();

    public OnnxGraphBuilder(int opset, String name) {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new IllegalArgumentException("opset " + opset + " is outside " + MIN_OPSET + ".." + MAX_OPSET);
        }
        this.opset = opset;
        graph.setName(name);
    }

    @Override
    public int opset() {
        return opset;
    }

    /** The graph built so far. */
    public GraphProto build() {
        return graph.build();
    }

    /**
     * The graph built so far as a bare model (its opset, the IR version of that opset, no metadata): what a plugin's
     * parity test runs on ONNX Runtime ({@link OnnxModelRunner#of}).
     */
    public ModelProto model(String producer) {
        return ModelProto.newBuilder().setIrVersion(DetectorExport.irVersion(opset)).setProducerName(producer)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(build()).build();
    }

    /** Declares a float32 graph input; a dimension below 1 is symbolic, named by {@code symbols}. */
    public Value input(String name, long[] dims, String[] symbols) {
        graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT, dims, symbols));
        return new Tensor(name, dims.length);
    }

    /** Declares {@code value} (of known rank) as a graph output named {@code name} (through an Identity node). */
    public void output(String name, Value value, TensorProto.DataType type) {
        output(name, value, type, rank(value));
    }

    /**
     * Declares {@code value} as a graph output named {@code name}, of the given rank with symbolic dimensions
     * ({@code name_0, name_1, ...}): ONNX's checker requires an output's shape, and its rank is what a consumer
     * relies on.
     */
    public void output(String name, Value value, TensorProto.DataType type, int rank) {
        if (rank < 0) {
            throw new IllegalArgumentException("output " + name + ": rank unknown; pass it");
        }
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(unique("out_" + name))
                .addInput(value.name()).addOutput(name));
        long[] dims = new long[rank];
        String[] symbols = new String[rank];
        for (int i = 0; i < rank; i++) {
            symbols[i] = name + "_" + i;
        }
        graph.addOutput(valueInfo(name, type, dims, symbols));
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, long[] dims, String[] symbols) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            shape.addDim(dims[i] > 0
                    ? TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i])
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(symbols[i]));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }

    private String unique(String hint) {
        String base = hint.replaceAll("[^A-Za-z0-9_.]", "_");
        int n = counters.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "_" + n;
    }

    // ---- constants

    @Override
    public Value constant(String hint, NDArray array) {
        long[] shape = array.getShape().getShape();
        DataType type = array.getDataType();
        if (type == DataType.INT64) {
            return longs(hint, array.toLongArray(), shape);
        }
        if (type == DataType.INT32) {
            int[] v = array.toIntArray();
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int x : v) {
                b.putInt(x);
            }
            return initializer(hint, TensorProto.DataType.INT32, shape, b.array());
        }
        return floats(hint, array.toType(DataType.FLOAT32, false).toFloatArray(), shape);
    }

    /** A float32 initializer. */
    public Value floats(String hint, float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : values) {
            b.putFloat(x);
        }
        return initializer(hint, TensorProto.DataType.FLOAT, shape, b.array());
    }

    /** An int64 initializer. */
    public Value longs(String hint, long[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : values) {
            b.putLong(x);
        }
        return initializer(hint, TensorProto.DataType.INT64, shape, b.array());
    }

    private Value initializer(String hint, TensorProto.DataType type, long[] shape, byte[] raw) {
        String name = unique(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : shape) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return new Tensor(name, shape.length);
    }

    private Value vector(String hint, long... values) {
        return longs(hint, values, values.length);
    }

    // ---- layers

    @Override
    public Value conv(Value x, Conv2d conv) {
        float[] w = array(conv, "weight");
        float[] b = conv.isIncludeBias() ? array(conv, "bias") : null;
        return convNode(x, conv, w, b, "conv");
    }

    @Override
    public Value convBatchNorm(Value x, Conv2d conv, BatchNorm norm, float epsilon) {
        float[] w = array(conv, "weight");
        int out = conv.getFilters();
        float[] gamma = array(norm, "gamma");
        float[] beta = array(norm, "beta");
        float[] mean = array(norm, "runningMean");
        float[] var = array(norm, "runningVar");
        float[] b = conv.isIncludeBias() ? array(conv, "bias") : new float[out];
        int per = w.length / out;
        float[] fw = new float[w.length];
        float[] fb = new float[out];
        for (int o = 0; o < out; o++) {
            double scale = gamma[o] / Math.sqrt((double) var[o] + epsilon);
            for (int i = 0; i < per; i++) {
                fw[o * per + i] = (float) (w[o * per + i] * scale);
            }
            fb[o] = (float) ((b[o] - mean[o]) * scale + beta[o]);
        }
        return convNode(x, conv, fw, fb, "conv_bn");
    }

    private Value convNode(Value x, Conv2d conv, float[] w, float[] b, String hint) {
        long[] kernel = conv.getKernelShape().getShape();
        int out = conv.getFilters();
        long inPerGroup = w.length / (out * kernel[0] * kernel[1]);
        List<Value> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.add(floats(hint + "_w", w, out, inPerGroup, kernel[0], kernel[1]));
        if (b != null) {
            inputs.add(floats(hint + "_b", b, out));
        }
        long[] pad = conv.getPadding().getShape();
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("kernel_shape", kernel);
        attrs.put("strides", conv.getStride().getShape());
        attrs.put("pads", new long[] {pad[0], pad[1], pad[0], pad[1]});
        attrs.put("dilations", conv.getDilation().getShape());
        attrs.put("group", (long) conv.getGroups());
        return one("Conv", inputs, attrs, 4);
    }

    private static float[] array(ai.djl.nn.Block block, String parameter) {
        Parameter p = block.getParameters().get(parameter);
        if (p == null || !p.isInitialized()) {
            throw new IllegalStateException("block " + block.getClass().getSimpleName() + " has no initialised "
                    + parameter);
        }
        return p.getArray().toType(DataType.FLOAT32, false).toFloatArray();
    }

    @Override
    public Value relu(Value x) {
        return one("Relu", List.of(x), Map.of(), rank(x));
    }

    @Override
    public Value sigmoid(Value x) {
        return one("Sigmoid", List.of(x), Map.of(), rank(x));
    }

    @Override
    public Value add(Value a, Value b) {
        return one("Add", List.of(a, b), Map.of(), Math.max(rank(a), rank(b)));
    }

    @Override
    public Value max(Value a, Value b) {
        return one("Max", List.of(a, b), Map.of(), Math.max(rank(a), rank(b)));
    }

    @Override
    public Value concat(int axis, List<Value> values) {
        return one("Concat", values, Map.of("axis", (long) axis), rank(values.get(0)));
    }

    @Override
    public Value maxPool(Value x, int kernel, int stride, int padding) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("kernel_shape", new long[] {kernel, kernel});
        attrs.put("strides", new long[] {stride, stride});
        attrs.put("pads", new long[] {padding, padding, padding, padding});
        return one("MaxPool", List.of(x), attrs, 4);
    }

    @Override
    public Value resizeTo(Value x, Value reference, Interpolation mode) {
        Value batchChannels = slice(one("Shape", List.of(x), Map.of(), 1), 0, 0, 2);
        Value spatial = slice(one("Shape", List.of(reference), Map.of(), 1), 0, 2, 4);
        Value sizes = concat(0, List.of(batchChannels, spatial));
        Map<String, Object> attrs = new LinkedHashMap<>();
        if (mode == Interpolation.NEAREST) {
            attrs.put("mode", "nearest");
            attrs.put("coordinate_transformation_mode", "asymmetric");
            attrs.put("nearest_mode", "floor");
        } else {
            attrs.put("mode", "linear");
            attrs.put("coordinate_transformation_mode", "pytorch_half_pixel");
        }
        List<Value> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.add(null);
        inputs.add(null);
        inputs.add(sizes);
        return one("Resize", inputs, attrs, rank(x));
    }

    @Override
    public Value reshape(Value x, long... shape) {
        return one("Reshape", List.of(x, vector("shape", shape)), Map.of(), shape.length);
    }

    @Override
    public Value transpose(Value x, int... permutation) {
        long[] perm = new long[permutation.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = permutation[i];
        }
        return one("Transpose", List.of(x), Map.of("perm", perm), perm.length);
    }

    @Override
    public Value slice(Value x, int axis, long start, long end) {
        return one("Slice", List.of(x, vector("starts", start), vector("ends", end), vector("axes", axis)), Map.of(),
                rank(x));
    }

    @Override
    public Value pad(Value x, int axis, long before, long after, float value) {
        int rank = rank(x);
        if (rank < 0) {
            throw new IllegalArgumentException("pad needs a value of known rank, " + x.name() + " has none");
        }
        int a = axis < 0 ? axis + rank : axis;
        long[] pads = new long[2 * rank];
        pads[a] = before;
        pads[rank + a] = after;
        return one("Pad", List.of(x, vector("pads", pads), floats("pad_value", new float[] {value})), Map.of(), rank);
    }

    @Override
    public List<Value> node(String opType, List<Value> inputs, int outputs, Map<String, Object> attributes) {
        return nodeOf(opType, inputs, outputs, attributes, -1);
    }

    private Value one(String opType, List<Value> inputs, Map<String, Object> attributes, int rank) {
        return nodeOf(opType, inputs, 1, attributes, rank).get(0);
    }

    private List<Value> nodeOf(String opType, List<Value> inputs, int outputs, Map<String, Object> attributes,
            int rank) {
        String name = unique(opType.toLowerCase(java.util.Locale.ROOT));
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(name);
        for (Value v : inputs) {
            node.addInput(v == null ? "" : v.name());
        }
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            String o = outputs == 1 ? name : name + "_" + i;
            node.addOutput(o);
            out.add(new Tensor(o, rank));
        }
        attributes.forEach((key, value) -> node.addAttribute(attribute(key, value)));
        graph.addNode(node);
        return out;
    }

    private static int rank(Value v) {
        return v instanceof Tensor t ? t.rank() : -1;
    }

    private static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (value instanceof Integer || value instanceof Long) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
        } else if (value instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof long[] v) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long x : v) {
                a.addInts(x);
            }
        } else if (value instanceof int[] v) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (int x : v) {
                a.addInts(x);
            }
        } else if (value instanceof float[] v) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float x : v) {
                a.addFloats(x);
            }
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value type "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return a.build();
    }
}
