package io.hdkd.core.data.augment;

/**
 * The boxes of one image with their labels: {@code xyxy} holds {@code x1, y1, x2, y2} per box (pixel edges, so a box
 * covering pixels 3..5 is {@code [3, 6)}); {@code labels[i]} is box {@code i}'s contiguous class index.
 */
public record Boxes(float[] xyxy, int[] labels) {

    public Boxes {
        if (xyxy.length != 4 * labels.length) {
            throw new IllegalArgumentException(xyxy.length + " box coordinates for " + labels.length + " labels");
        }
    }

    public static Boxes empty() {
        return new Boxes(new float[0], new int[0]);
    }

    public int size() {
        return labels.length;
    }

    /** The boxes scaled by ({@code sx}, {@code sy}), as resizing an image moves them. */
    public Boxes scaled(float sx, float sy) {
        float[] out = xyxy.clone();
        for (int i = 0; i < out.length; i += 4) {
            out[i] *= sx;
            out[i + 1] *= sy;
            out[i + 2] *= sx;
            out[i + 3] *= sy;
        }
        return new Boxes(out, labels.clone());
    }
}
