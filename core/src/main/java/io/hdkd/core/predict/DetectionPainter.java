package io.hdkd.core.predict;

import io.hdkd.core.eval.CocoDetection;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws detections onto a copy of an image: a box per detection in its class's colour, with {@code name score} on a
 * filled tag above it. Plain java.awt, so it works headless.
 */
public final class DetectionPainter {

    /** Distinct, saturated colours; classes cycle through them by COCO id. */
    private static final Color[] PALETTE = {
        new Color(230, 25, 75), new Color(60, 180, 75), new Color(0, 130, 200), new Color(245, 130, 48),
        new Color(145, 30, 180), new Color(70, 240, 240), new Color(240, 50, 230), new Color(210, 245, 60),
        new Color(250, 190, 212), new Color(0, 128, 128), new Color(255, 225, 25), new Color(128, 0, 0),
    };

    private DetectionPainter() {}

    /**
     * @param detections in the image's pixels
     * @param names class name by COCO category id
     * @return a new RGB image; {@code image} is not changed
     */
    public static BufferedImage paint(BufferedImage image, List<CocoDetection> detections, Map<Integer, String> names) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            float line = Math.max(1f, Math.min(w, h) / 160f);
            g.setStroke(new BasicStroke(line));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(w, h) / 30)));
            FontMetrics fm = g.getFontMetrics();
            for (CocoDetection d : detections) {
                Color colour = PALETTE[Math.floorMod(d.categoryId(), PALETTE.length)];
                int x = (int) Math.round(d.x());
                int y = (int) Math.round(d.y());
                int bw = Math.max(1, (int) Math.round(d.width()));
                int bh = Math.max(1, (int) Math.round(d.height()));
                g.setColor(colour);
                g.drawRect(x, y, bw, bh);
                String tag = String.format(Locale.ROOT, "%s %.2f", names.getOrDefault(d.categoryId(),
                        String.valueOf(d.categoryId())), d.score());
                int tw = fm.stringWidth(tag) + 4;
                int th = fm.getHeight();
                // Above the box when there is room, else just inside its top.
                int ty = y - th >= 0 ? y - th : y;
                g.fillRect(x, ty, tw, th);
                g.setColor(brightness(colour) > 140 ? Color.BLACK : Color.WHITE);
                g.drawString(tag, x + 2, ty + fm.getAscent());
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static double brightness(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }
}
