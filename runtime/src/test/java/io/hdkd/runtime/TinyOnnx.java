package io.hdkd.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes small ONNX models by hand (protobuf wire format): a fixed input {@code images} (1 x 3 x side x side) and
 * the decoded outputs {@code boxes}, {@code scores}, {@code labels} as constants, plus any metadata. Enough to run
 * the whole DJL path with known answers, without hdkd's exporter.
 */
final class TinyOnnx {

    private TinyOnnx() {}

    static byte[] decoded(int side, float[] boxes, float[] scores, long[] labels, Map<String, String> metadata) {
        int k = scores.length;
        Proto graph = new Proto()
                .message(1, constant("boxes", floats(boxes), 1, k, 4))
                .message(1, constant("scores", floats(scores), 1, k))
                .message(1, constant("labels", longs(labels), 7, k))
                .string(2, "tiny")
                .message(11, valueInfo("images", 1, 1, 3, side, side))
                .message(12, valueInfo("boxes", 1, k, 4))
                .message(12, valueInfo("scores", 1, k))
                .message(12, valueInfo("labels", 7, k));
        Proto model = new Proto().varint(1, 8).string(2, "hdkd-runtime-test").message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 17));
        metadata.forEach((key, value) -> model.message(14, new Proto().string(1, key).string(2, value)));
        return model.bytes();
    }

    private static Proto constant(String output, byte[] raw, int elemType, long... dims) {
        Proto tensor = new Proto();
        for (long d : dims) {
            tensor.varint(1, d);
        }
        tensor.varint(2, elemType).string(8, output).raw(9, raw);
        Proto attribute = new Proto().string(1, "value").message(5, tensor).varint(20, 4); // type TENSOR
        return new Proto().string(2, output).string(3, output + "_const").string(4, "Constant").message(5, attribute);
    }

    private static Proto valueInfo(String name, int elemType, long... dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, elemType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static byte[] longs(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    /** A protobuf message being written: fields in order, varints and length-delimited values. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return raw(field, value.bytes());
        }

        Proto raw(int field, byte[] b) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
