package io.hdkd.core.util;

/**
 * Derives independent random seeds from a base seed and indices (image, epoch, ...), so that every random choice of
 * a sample depends only on what the sample is, never on which thread handled it or in what order.
 */
public final class Seeds {

    private Seeds() {}

    /** A well-mixed seed for ({@code seed}, {@code a}); different pairs give unrelated streams. */
    public static long mix(long seed, long a) {
        return finalise(finalise(seed) ^ (a * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
    }

    /** A well-mixed seed for ({@code seed}, {@code a}, {@code b}). */
    public static long mix(long seed, long a, long b) {
        return mix(mix(seed, a), b);
    }

    /** A 64-bit avalanche step (xor-shift-multiply), so nearby inputs give unrelated outputs. */
    private static long finalise(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB93FE1A85EC5L;
        return z ^ (z >>> 33);
    }
}
