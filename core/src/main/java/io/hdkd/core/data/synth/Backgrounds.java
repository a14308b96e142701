package io.hdkd.core.data.synth;

import java.util.SplittableRandom;

/**
 * Scene backgrounds painted straight into an RGB raster: smooth value noise, a noisy gradient or soft stripes. Kept
 * darker and less saturated than objects so objects are visible but not trivially separable by brightness.
 */
final class Backgrounds {

    private Backgrounds() {}

    static void paint(int[] rgb, int size, SplittableRandom rnd) {
        switch (rnd.nextInt(3)) {
            case 0 -> valueNoise(rgb, size, rnd);
            case 1 -> gradient(rgb, size, rnd);
            default -> stripes(rgb, size, rnd);
        }
    }

    /** Two octaves of bilinearly interpolated random lattice colours. */
    private static void valueNoise(int[] rgb, int size, SplittableRandom rnd) {
        float[] acc = new float[size * size * 3];
        int coarse = 3 + rnd.nextInt(5);
        addOctave(acc, size, coarse, 1.0f, rnd);
        addOctave(acc, size, coarse * 4, 0.35f, rnd);
        for (int i = 0; i < size * size; i++) {
            rgb[i] = pack(acc[3 * i] / 1.35f, acc[3 * i + 1] / 1.35f, acc[3 * i + 2] / 1.35f);
        }
    }

    private static void addOctave(float[] acc, int size, int cells, float amplitude, SplittableRandom rnd) {
        int n = cells + 1;
        float[] lattice = new float[n * n * 3];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = (float) rnd.nextDouble(0.15, 0.7);
        }
        float step = (float) cells / size;
        for (int y = 0; y < size; y++) {
            float fy = y * step;
            int y0 = Math.min((int) fy, cells - 1);
            float ty = fy - y0;
            for (int x = 0; x < size; x++) {
                float fx = x * step;
                int x0 = Math.min((int) fx, cells - 1);
                float tx = fx - x0;
                int p = 3 * (y * size + x);
                for (int c = 0; c < 3; c++) {
                    float a = lattice[3 * (y0 * n + x0) + c];
                    float b = lattice[3 * (y0 * n + x0 + 1) + c];
                    float d = lattice[3 * ((y0 + 1) * n + x0) + c];
                    float e = lattice[3 * ((y0 + 1) * n + x0 + 1) + c];
                    float top = a + (b - a) * tx;
                    float bottom = d + (e - d) * tx;
                    acc[p + c] += amplitude * (top + (bottom - top) * ty);
                }
            }
        }
    }

    private static void gradient(int[] rgb, int size, SplittableRandom rnd) {
        float[] from = randomDull(rnd);
        float[] to = randomDull(rnd);
        double angle = rnd.nextDouble(0, Math.PI * 2);
        double ux = Math.cos(angle) / size;
        double uy = Math.sin(angle) / size;
        double offset = Math.min(0, ux * size) + Math.min(0, uy * size);
        double span = Math.abs(ux * size) + Math.abs(uy * size);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float t = (float) ((x * ux + y * uy - offset) / span);
                rgb[y * size + x] = pack(mix(from[0], to[0], t), mix(from[1], to[1], t), mix(from[2], to[2], t));
            }
        }
    }

    private static void stripes(int[] rgb, int size, SplittableRandom rnd) {
        float[] a = randomDull(rnd);
        float[] b = randomDull(rnd);
        double angle = rnd.nextDouble(0, Math.PI);
        double period = size * rnd.nextDouble(0.04, 0.2);
        double kx = Math.cos(angle) * 2 * Math.PI / period;
        double ky = Math.sin(angle) * 2 * Math.PI / period;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float t = (float) (0.5 + 0.5 * Math.sin(x * kx + y * ky));
                rgb[y * size + x] = pack(mix(a[0], b[0], t), mix(a[1], b[1], t), mix(a[2], b[2], t));
            }
        }
    }

    /** Sensor-like noise over the finished scene: uniform in [-amplitude, amplitude] per channel. */
    static void addNoise(int[] rgb, int amplitude, SplittableRandom rnd) {
        int span = 2 * amplitude + 1;
        for (int i = 0; i < rgb.length; i++) {
            int p = rgb[i];
            int r = clamp(((p >> 16) & 0xff) + rnd.nextInt(span) - amplitude);
            int g = clamp(((p >> 8) & 0xff) + rnd.nextInt(span) - amplitude);
            int b = clamp((p & 0xff) + rnd.nextInt(span) - amplitude);
            rgb[i] = (r << 16) | (g << 8) | b;
        }
    }

    private static float[] randomDull(SplittableRandom rnd) {
        float base = (float) rnd.nextDouble(0.2, 0.65);
        return new float[] {
            base + (float) rnd.nextDouble(-0.12, 0.12),
            base + (float) rnd.nextDouble(-0.12, 0.12),
            base + (float) rnd.nextDouble(-0.12, 0.12)
        };
    }

    private static float mix(float a, float b, float t) {
        return a + (b - a) * t;
    }

    private static int pack(float r, float g, float b) {
        return (clamp(Math.round(r * 255)) << 16) | (clamp(Math.round(g * 255)) << 8) | clamp(Math.round(b * 255));
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }
}
