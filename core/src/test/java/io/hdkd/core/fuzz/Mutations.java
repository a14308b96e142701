package io.hdkd.core.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Byte-level mutations of a seed input, as a coverage-less fuzzer makes them: flip, delete, insert, duplicate,
 * truncate, and splice in tokens that readers of JSON, properties and numbers trip over. A pure function of
 * (seed input, mutation seed, count), so a failing case is reproduced from the numbers jqwik reports.
 */
final class Mutations {

    private static final String[] TOKENS = {
        "null", "-1", "0", "1e309", "-1e309", "NaN", "Infinity", "9223372036854775808", "2147483648", "-2147483649",
        "1.5", "\"", "\\", "\\u0000", "\\uD800", "[", "]", "{", "}", ",", ":", "true", "\"\"", "[]", "{}",
        "\n", "\r\n", "=", "#", "!", "\\\n", " ", "\t", "\u00e9", "\uFFFF", "1e-400", "-0", "0x10", "00012",
        "[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]", "\"images\"", "\"annotations\"", "\"bbox\"", "\"id\"", "\"image_id\"",
        "\"category_id\"", "\"width\"", "\"height\"", "\"file_name\"", "\"score\"", "../x.png", "/etc/passwd",
        "model.backbone.type", "distill.losses", "distill.loss.a.type", "train.epochs", "dataset.root",
        "ckpt-00000001", "ckpt-", "\u0000"
    };

    private Mutations() {}

    static byte[] mutate(byte[] seed, long mutationSeed, int count) {
        SplittableRandom r = new SplittableRandom(mutationSeed);
        byte[] b = seed.clone();
        for (int i = 0; i < count; i++) {
            b = once(b, r);
        }
        return b;
    }

    private static byte[] once(byte[] b, SplittableRandom r) {
        int op = r.nextInt(7);
        int n = b.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 32);
        int at = n == 0 ? 0 : r.nextInt(n + 1);
        switch (op) {
            case 0: { // flip one byte
                if (n == 0) {
                    return new byte[] {(byte) r.nextInt(256)};
                }
                byte[] c = b.clone();
                c[Math.min(at, n - 1)] ^= (byte) (1 << r.nextInt(8));
                return c;
            }
            case 1: { // delete a range
                int len = Math.min(n - at, 1 + r.nextInt(16));
                out.write(b, 0, at);
                out.write(b, at + len, n - at - len);
                return out.toByteArray();
            }
            case 2: { // insert random bytes
                out.write(b, 0, at);
                int len = 1 + r.nextInt(8);
                for (int i = 0; i < len; i++) {
                    out.write(r.nextInt(256));
                }
                out.write(b, at, n - at);
                return out.toByteArray();
            }
            case 3: { // duplicate a range
                int len = Math.min(n - at, 1 + r.nextInt(64));
                out.write(b, 0, at + len);
                out.write(b, at, n - at);
                return out.toByteArray();
            }
            case 4: // truncate
                return java.util.Arrays.copyOf(b, at);
            default: { // splice a token, replacing a short range
                byte[] token = TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                int len = Math.min(n - at, r.nextInt(6));
                out.write(b, 0, at);
                out.write(token, 0, token.length);
                out.write(b, at + len, n - at - len);
                return out.toByteArray();
            }
        }
    }
}
