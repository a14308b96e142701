package io.hdkd.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a tiny ONNX model by hand (protobuf wire format, no ONNX library): one AveragePool of kernel and stride
 * {@code stride} from a fixed-size input {@code images} (1 x 3 x side x side) to an output {@code p3}
 * (1 x 3 x side/stride x side/stride). A teacher with a static input shape, as exported by tools that fix it.
 */
final class OnnxFixture {

    private OnnxFixture() {}

    static byte[] fixedSizePool(int side, int stride) {
        Proto pool = new Proto().string(1, "images").string(2, "p3").string(3, "pool").string(4, "AveragePool")
                .message(5, ints("kernel_shape", stride, stride)).message(5, ints("strides", stride, stride));
        Proto graph = new Proto().message(1, pool).string(2, "fixed")
                .message(11, tensor("images", 1, 3, side, side))
                .message(12, tensor("p3", 1, 3, side / stride, side / stride));
        return new Proto().varint(1, 8).string(2, "hdkd-it").message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13)).bytes();
    }

    private static Proto ints(String name, long... values) {
        Proto a = new Proto().string(1, name);
        for (long v : values) {
            a.varint(8, v);
        }
        return a.varint(20, 7); // AttributeProto.type = INTS
    }

    private static Proto tensor(String name, long... dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, 1).message(2, shape); // elem_type FLOAT
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
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

        private Proto raw(int field, byte[] b) {
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
