package io.hdkd.plugin.retinanet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RetinaNet anchors, as torchvision's {@code AnchorGenerator} lays them out.
 *
 * <p>Per level, {@code A = ratios x scales} base anchors centred on 0: size {@code s = floor(base * scale)} (torchvision
 * truncates {@code int(32 * 2^(1/3)) = 40}), width {@code s / sqrt(ratio)}, height {@code s * sqrt(ratio)}, corners
 * rounded to integers (half to even, float32 arithmetic). Index {@code a = ratioIndex * scales + scaleIndex}. They
 * are shifted to every feature location {@code (x * stride, y * stride)} (no half-stride offset), location-major:
 * row {@code (y * W + x) * A + a}, the same order as the head's raw outputs.
 *
 * <p>A level's grid is {@code ceil(H / stride) x ceil(W / stride)}, what a stride-2 conv with padding 1 gives. We use
 * the level's declared stride; torchvision instead uses {@code H // gridH}, which differs only when the padded input is
 * not a multiple of the largest stride. Anchors are computed with NDArray ops once per input shape and kept on the
 * heap (a few MB); each call copies them into the caller's manager so no array outlives its scope.
 */
final class AnchorGenerator {

    private static final int CACHE_SIZE = 16;

    private final int[] strides;
    private final float[][] baseAnchors;
    private final Map<Shape, float[][]> cache = new LinkedHashMap<>(CACHE_SIZE, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Shape, float[][]> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    AnchorGenerator(int[] strides, double[] sizes, double[] scales, double[] ratios) {
        if (strides.length != sizes.length) {
            throw new IllegalArgumentException("one anchor size per level needed");
        }
        this.strides = strides.clone();
        this.baseAnchors = new float[strides.length][];
        for (int l = 0; l < strides.length; l++) {
            baseAnchors[l] = baseAnchors(sizes[l], scales, ratios);
        }
    }

    /** Anchors per location. */
    int anchorsPerLocation() {
        return baseAnchors[0].length / 4;
    }

    /** The feature grid {@code (H_l, W_l)} of level {@code l} for a padded input of {@code (H, W)}. */
    long[] gridSize(int level, Shape inputShape) {
        int s = strides[level];
        return new long[] {ceilDiv(inputShape.get(0), s), ceilDiv(inputShape.get(1), s)};
    }

    /** Anchors of every level, {@code K_l x 4} float32 {@code x1, y1, x2, y2}, created on {@code manager}. */
    NDList anchors(NDManager manager, Shape inputShape) {
        Shape key = new Shape(inputShape.get(0), inputShape.get(1));
        float[][] perLevel;
        synchronized (cache) {
            perLevel = cache.get(key);
        }
        if (perLevel == null) {
            perLevel = compute(manager, key);
            synchronized (cache) {
                cache.put(key, perLevel);
            }
        }
        NDList out = new NDList(perLevel.length);
        for (float[] a : perLevel) {
            out.add(manager.create(a, new Shape(a.length / 4, 4)));
        }
        return out;
    }

    private float[][] compute(NDManager parent, Shape inputShape) {
        float[][] out = new float[strides.length][];
        try (NDManager m = parent.newSubManager()) {
            for (int l = 0; l < strides.length; l++) {
                long[] grid = gridSize(l, inputShape);
                long h = grid[0];
                long w = grid[1];
                NDArray xs = m.arange(0f, (float) w).mul(strides[l]).reshape(1, w).broadcast(h, w);
                NDArray ys = m.arange(0f, (float) h).mul(strides[l]).reshape(h, 1).broadcast(h, w);
                NDArray shifts = NDArrays.stack(new NDList(xs, ys, xs, ys), 2).reshape(h * w, 1, 4);
                float[] base = baseAnchors[l];
                NDArray anchors = shifts.add(m.create(base, new Shape(1, base.length / 4, 4))).reshape(-1, 4);
                out[l] = anchors.toType(DataType.FLOAT32, false).toFloatArray();
            }
        }
        return out;
    }

    /** {@code A x 4} centred base anchors, flattened; float32 arithmetic to match torchvision's rounding. */
    static float[] baseAnchors(double baseSize, double[] scales, double[] ratios) {
        List<float[]> rows = new ArrayList<>();
        for (double ratio : ratios) {
            float hRatio = (float) Math.sqrt((float) ratio);
            float wRatio = 1f / hRatio;
            for (double scale : scales) {
                float size = (float) Math.floor(baseSize * scale);
                float ws = wRatio * size;
                float hs = hRatio * size;
                rows.add(new float[] {
                    (float) Math.rint(-ws / 2f), (float) Math.rint(-hs / 2f),
                    (float) Math.rint(ws / 2f), (float) Math.rint(hs / 2f)});
            }
        }
        float[] flat = new float[rows.size() * 4];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, 4 * i, 4);
        }
        return flat;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
