package io.hdkd.core.data.synth;

import io.hdkd.core.data.synth.Scene.SceneObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Renders one synthetic scene: background, clutter, then objects in order, later ones over earlier ones.
 *
 * <p>Boxes come from pixels, not from the shapes' geometry: every object's outline is rasterised with antialiasing
 * into a coverage mask, later objects take the pixels they touch from earlier ones, and an object's box is the tight
 * box of the pixels it still owns, i.e. of its visible ink. An object keeping less than
 * {@link #MIN_VISIBLE_FRACTION} of its area visible is dropped from the annotations (it stays in the picture, like an
 * unlabelled, mostly hidden person in a crowd). Its {@code area} is the coverage summed over its visible pixels, as
 * COCO's area is the segment's, not the box's.
 */
public final class SceneRenderer {

    /** Objects keeping less than this fraction of their area visible are not annotated. */
    public static final double MIN_VISIBLE_FRACTION = 0.5;
    /** Per-channel amplitude of the final pixel noise. */
    private static final int NOISE = 6;

    private final SynthPreset preset;
    private final int size;
    private final List<ShapeClass> classes = ShapeClass.ordered();

    public SceneRenderer(SynthPreset preset, int size) {
        if (size < 32) {
            throw new IllegalArgumentException("image size must be >= 32: " + size);
        }
        this.preset = preset;
        this.size = size;
    }

    /** Renders the scene determined by {@code rnd} (same random state, same pixels and boxes). */
    public Scene render(SplittableRandom rnd) {
        return render(rnd, true);
    }

    /**
     * @param clutter false to leave out background, distractors and noise (a black canvas with the objects alone),
     *     for tests that check boxes against pixels; the objects and boxes are the same either way
     */
    Scene render(SplittableRandom rnd, boolean clutter) {
        // separate streams, so the objects do not depend on whether the clutter is drawn
        SplittableRandom objectRnd = rnd.split();
        SplittableRandom clutterRnd = rnd.split();
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        if (clutter) {
            Backgrounds.paint(rgb, size, clutterRnd);
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            if (clutter) {
                double scale = size / 256.0;
                int distractors = between(clutterRnd, preset.minDistractors(), preset.maxDistractors());
                for (int k = 0; k < distractors; k++) {
                    ShapeClass.distractor(size, scale, clutterRnd).accept(g);
                }
            }
            int count = between(objectRnd, preset.minObjects(), preset.maxObjects());
            List<Placed> placed = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                Placed p = place(objectRnd, placed);
                if (p != null) {
                    placed.add(p);
                    p.drawn().painter().accept(g);
                }
            }
            List<SceneObject> objects = new ArrayList<>();
            int dropped = annotate(placed, objects);
            if (clutter) {
                Backgrounds.addNoise(rgb, NOISE, clutterRnd);
            }
            return new Scene(image, objects, dropped);
        } finally {
            g.dispose();
        }
    }

    private record Placed(int classIndex, double cx, double cy, double size, ShapeClass.Drawn drawn) {}

    /** Picks class, size and position; retries to respect the preset's spacing, giving up after a few tries. */
    private Placed place(SplittableRandom rnd, List<Placed> existing) {
        int classIndex = rnd.nextInt(classes.size());
        double s = rnd.nextDouble(preset.minSize(size), preset.maxSize(size));
        s = Math.min(s, size * 0.9);
        double margin = s * 0.6;
        for (int attempt = 0; attempt < 20; attempt++) {
            double cx = rnd.nextDouble(margin, size - margin);
            double cy = rnd.nextDouble(margin, size - margin);
            if (tooClose(cx, cy, s, existing)) {
                continue;
            }
            return new Placed(classIndex, cx, cy, s, classes.get(classIndex).make(cx, cy, s, rnd));
        }
        return null;
    }

    private boolean tooClose(double cx, double cy, double s, List<Placed> existing) {
        if (preset.spacing() <= 0) {
            return false;
        }
        for (Placed p : existing) {
            double minDist = preset.spacing() * (s + p.size()) / 2;
            if (Math.hypot(cx - p.cx(), cy - p.cy()) < minDist) {
                return true;
            }
        }
        return false;
    }

    /** Resolves occlusion on an owner map and appends the sufficiently visible objects; returns the dropped count. */
    private int annotate(List<Placed> placed, List<SceneObject> out) {
        int n = placed.size();
        int[] owner = new int[size * size];
        float[] coverage = new float[size * size];
        Arrays.fill(owner, -1);
        double[] drawnArea = new double[n];
        for (int k = 0; k < n; k++) {
            drawnArea[k] = rasterise(placed.get(k).drawn(), owner, coverage, k);
        }
        double[] visibleArea = new double[n];
        int[] minX = new int[n];
        int[] minY = new int[n];
        int[] maxX = new int[n];
        int[] maxY = new int[n];
        Arrays.fill(minX, Integer.MAX_VALUE);
        Arrays.fill(minY, Integer.MAX_VALUE);
        Arrays.fill(maxX, -1);
        Arrays.fill(maxY, -1);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int k = owner[y * size + x];
                if (k >= 0) {
                    visibleArea[k] += coverage[y * size + x];
                    minX[k] = Math.min(minX[k], x);
                    minY[k] = Math.min(minY[k], y);
                    maxX[k] = Math.max(maxX[k], x);
                    maxY[k] = Math.max(maxY[k], y);
                }
            }
        }
        int dropped = 0;
        for (int k = 0; k < n; k++) {
            if (drawnArea[k] <= 0 || maxX[k] < 0 || visibleArea[k] < MIN_VISIBLE_FRACTION * drawnArea[k]) {
                dropped++;
                continue;
            }
            double area = Math.round(visibleArea[k] * 100) / 100.0;
            out.add(new SceneObject(placed.get(k).classIndex(), minX[k], minY[k], maxX[k] - minX[k] + 1,
                    maxY[k] - minY[k] + 1, area));
        }
        return dropped;
    }

    /**
     * Marks the pixels the outline touches as owned by {@code k} (over earlier owners) with their antialiasing
     * coverage; returns the object's drawn area (sum of coverage).
     */
    private double rasterise(ShapeClass.Drawn drawn, int[] owner, float[] coverage, int k) {
        Rectangle b = drawn.outline().getBounds().intersection(new Rectangle(0, 0, size, size));
        if (b.isEmpty()) {
            return 0;
        }
        // alpha of a shape filled onto a transparent canvas is exactly the rasteriser's coverage
        BufferedImage mask = new BufferedImage(b.width, b.height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = mask.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.translate(-b.x, -b.y);
            g.setColor(Color.WHITE);
            g.fill(drawn.outline());
        } finally {
            g.dispose();
        }
        int[] argb = ((DataBufferInt) mask.getRaster().getDataBuffer()).getData();
        double area = 0;
        for (int y = 0; y < b.height; y++) {
            for (int x = 0; x < b.width; x++) {
                int alpha = argb[y * b.width + x] >>> 24;
                if (alpha > 0) {
                    int p = (b.y + y) * size + b.x + x;
                    owner[p] = k;
                    coverage[p] = alpha / 255f;
                    area += alpha / 255.0;
                }
            }
        }
        return area;
    }

    private static int between(SplittableRandom rnd, int lo, int hi) {
        return lo + rnd.nextInt(hi - lo + 1);
    }
}
