package io.hdkd.core.data.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The object classes of synthetic scenes. They differ in outline (disk, ring, triangle, cross, square) and in surface
 * (solid, gradient, stripes, checkerboard); colours are random for every class, so colour alone never tells a class.
 * The two square classes share an outline and differ only in texture, which makes the task less trivial.
 */
public enum ShapeClass {
    DISK("disk"),
    RING("ring"),
    TRIANGLE("triangle"),
    CROSS("cross"),
    STRIPED_SQUARE("striped-square"),
    CHECKER_PATCH("checker-patch");

    private final String label;

    ShapeClass(String label) {
        this.label = label;
    }

    /** The category name written to the annotation file. */
    public String label() {
        return label;
    }

    /** The class order of synthetic datasets: category id {@code i + 1} is {@code values()[i]}. */
    public static List<ShapeClass> ordered() {
        return List.of(values());
    }

    /** An object ready to draw: its outline (what the box and occlusion are measured on) and how to paint it. */
    record Drawn(Shape outline, Consumer<Graphics2D> painter) {}

    /**
     * Makes an object of this class centred at ({@code cx}, {@code cy}) with extent about {@code size} pixels, using
     * {@code rnd} for its colour, aspect and rotation.
     */
    Drawn make(double cx, double cy, double size, SplittableRandom rnd) {
        Color main = randomColor(rnd);
        double angle = rnd.nextDouble(0, Math.PI * 2);
        double half = size / 2;
        switch (this) {
            case DISK: {
                double aspect = rnd.nextDouble(0.8, 1.25);
                Shape s = rotated(new Ellipse2D.Double(-half * aspect, -half / aspect, size * aspect, size / aspect),
                        angle, cx, cy);
                return new Drawn(s, g -> fill(g, s, main));
            }
            case RING: {
                double inner = rnd.nextDouble(0.45, 0.65);
                Area a = new Area(new Ellipse2D.Double(cx - half, cy - half, size, size));
                a.subtract(new Area(new Ellipse2D.Double(cx - half * inner, cy - half * inner, size * inner,
                        size * inner)));
                return new Drawn(a, g -> fill(g, a, main));
            }
            case TRIANGLE: {
                Path2D.Double p = new Path2D.Double();
                for (int k = 0; k < 3; k++) {
                    double t = -Math.PI / 2 + k * 2 * Math.PI / 3;
                    double x = Math.cos(t) * half * 1.1;
                    double y = Math.sin(t) * half * 1.1 + half * 0.15;
                    if (k == 0) {
                        p.moveTo(x, y);
                    } else {
                        p.lineTo(x, y);
                    }
                }
                p.closePath();
                Shape s = rotated(p, angle, cx, cy);
                Color dark = main.darker().darker();
                Rectangle2D b = s.getBounds2D();
                GradientPaint gp = new GradientPaint((float) b.getMinX(), (float) b.getMinY(), main,
                        (float) b.getMaxX(), (float) b.getMaxY(), dark);
                return new Drawn(s, g -> {
                    g.setPaint(gp);
                    g.fill(s);
                });
            }
            case CROSS: {
                double arm = size * rnd.nextDouble(0.28, 0.4);
                Area a = new Area(new Rectangle2D.Double(-half, -arm / 2, size, arm));
                a.add(new Area(new Rectangle2D.Double(-arm / 2, -half, arm, size)));
                Shape s = rotated(a, rnd.nextDouble(-0.4, 0.4), cx, cy);
                return new Drawn(s, g -> fill(g, s, main));
            }
            case STRIPED_SQUARE: {
                double side = size * 0.8;
                Shape s = rotated(new Rectangle2D.Double(-side / 2, -side / 2, side, side), angle, cx, cy);
                Color other = contrasting(main);
                int stripes = 3 + rnd.nextInt(3);
                return new Drawn(s, g -> {
                    fill(g, s, main);
                    Shape oldClip = g.getClip();
                    AffineTransform old = g.getTransform();
                    g.clip(s);
                    g.translate(cx, cy);
                    g.rotate(angle);
                    g.setColor(other);
                    double w = side / (2 * stripes);
                    for (int k = 0; k < stripes; k++) {
                        g.fill(new Rectangle2D.Double(-side / 2 + (2 * k + 1) * w, -side, w, 2 * side));
                    }
                    g.setTransform(old);
                    g.setClip(oldClip);
                });
            }
            case CHECKER_PATCH: {
                double side = size * 0.8;
                Shape s = rotated(new Rectangle2D.Double(-side / 2, -side / 2, side, side), angle, cx, cy);
                Color other = contrasting(main);
                int cells = 3 + rnd.nextInt(2);
                return new Drawn(s, g -> {
                    fill(g, s, main);
                    AffineTransform old = g.getTransform();
                    g.translate(cx, cy);
                    g.rotate(angle);
                    g.setColor(other);
                    double c = side / cells;
                    for (int i = 0; i < cells; i++) {
                        for (int j = 0; j < cells; j++) {
                            if ((i + j) % 2 == 1) {
                                g.fill(new Rectangle2D.Double(-side / 2 + i * c, -side / 2 + j * c, c, c));
                            }
                        }
                    }
                    g.setTransform(old);
                });
            }
            default:
                throw new AssertionError(this);
        }
    }

    /** A clutter shape that belongs to no class: an open polyline, an open arc or a speckle of dots. */
    static Consumer<Graphics2D> distractor(int imageSize, double scale, SplittableRandom rnd) {
        Color c = randomColor(rnd);
        double x = rnd.nextDouble(0, imageSize);
        double y = rnd.nextDouble(0, imageSize);
        double len = scale * rnd.nextDouble(8, 40);
        float width = (float) Math.max(1, scale * rnd.nextDouble(0.8, 2.5));
        int kind = rnd.nextInt(3);
        if (kind == 0) {
            Path2D.Double p = new Path2D.Double();
            p.moveTo(x, y);
            int segments = 2 + rnd.nextInt(3);
            for (int k = 0; k < segments; k++) {
                x += rnd.nextDouble(-len, len);
                y += rnd.nextDouble(-len, len);
                p.lineTo(x, y);
            }
            return g -> {
                g.setColor(c);
                g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(p);
            };
        } else if (kind == 1) {
            double start = rnd.nextDouble(0, 360);
            double extent = rnd.nextDouble(60, 200);
            Shape arc = new Arc2D.Double(x - len / 2, y - len / 2, len, len, start, extent,
                    Arc2D.OPEN);
            return g -> {
                g.setColor(c);
                g.setStroke(new BasicStroke(width));
                g.draw(arc);
            };
        } else {
            int dots = 5 + rnd.nextInt(10);
            double[] xy = new double[dots * 2];
            for (int k = 0; k < dots; k++) {
                xy[2 * k] = x + rnd.nextDouble(-len, len);
                xy[2 * k + 1] = y + rnd.nextDouble(-len, len);
            }
            return g -> {
                g.setColor(c);
                g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                for (int k = 0; k < dots; k++) {
                    g.draw(new Line2D.Double(xy[2 * k], xy[2 * k + 1], xy[2 * k], xy[2 * k + 1]));
                }
            };
        }
    }

    private static Shape rotated(Shape s, double angle, double cx, double cy) {
        AffineTransform t = new AffineTransform();
        t.translate(cx, cy);
        t.rotate(angle);
        return t.createTransformedShape(s);
    }

    private static void fill(Graphics2D g, Shape s, Color c) {
        g.setColor(c);
        g.fill(s);
    }

    static Color randomColor(SplittableRandom rnd) {
        return Color.getHSBColor((float) rnd.nextDouble(), (float) rnd.nextDouble(0.55, 1.0),
                (float) rnd.nextDouble(0.55, 1.0));
    }

    private static Color contrasting(Color c) {
        float[] hsb = Color.RGBtoHSB(c.getRed(), c.getGreen(), c.getBlue(), null);
        return Color.getHSBColor((hsb[0] + 0.5f) % 1f, hsb[1], hsb[2] > 0.6f ? hsb[2] - 0.45f : hsb[2] + 0.35f);
    }
}
