package io.hdkd.core.data.image;

import io.hdkd.api.InvalidInputException;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads PNG/JPEG files into RGB {@link FloatImage}s in {@code [0, 1]}. The common layouts ImageIO returns (3-byte BGR,
 * int RGB/ARGB) are read straight from their backing arrays; anything else (grey, palette, 16 bit) is first drawn into
 * an int RGB image.
 */
public final class ImageDecoder {

    private static final float INV_255 = 1f / 255f;

    private ImageDecoder() {}

    /** Decodes {@code file}; a missing or unreadable image is the user's data problem, named in one line. */
    public static FloatImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("image file not found: " + file);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new InvalidInputException("not a readable PNG/JPEG image: " + file);
        }
        return toFloat(img);
    }

    /** Converts any BufferedImage to RGB floats. */
    public static FloatImage toFloat(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        float[] out = new float[3 * n];
        switch (img.getType()) {
            case BufferedImage.TYPE_3BYTE_BGR -> {
                byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                if (px.length == 3 * n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = (px[3 * i + 2] & 0xff) * INV_255;
                        out[n + i] = (px[3 * i + 1] & 0xff) * INV_255;
                        out[2 * n + i] = (px[3 * i] & 0xff) * INV_255;
                    }
                    return new FloatImage(3, h, w, out);
                }
                return fromInts(toIntRgb(img), w, h, out);
            }
            case BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB -> {
                int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
                if (px.length == n) {
                    return fromInts(px, w, h, out);
                }
                return fromInts(toIntRgb(img), w, h, out);
            }
            default -> {
                return fromInts(toIntRgb(img), w, h, out);
            }
        }
    }

    private static int[] toIntRgb(BufferedImage img) {
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(img, 0, 0, null);
        } finally {
            g.dispose();
        }
        return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
    }

    private static FloatImage fromInts(int[] px, int w, int h, float[] out) {
        int n = w * h;
        for (int i = 0; i < n; i++) {
            int p = px[i];
            out[i] = ((p >> 16) & 0xff) * INV_255;
            out[n + i] = ((p >> 8) & 0xff) * INV_255;
            out[2 * n + i] = (p & 0xff) * INV_255;
        }
        return new FloatImage(3, h, w, out);
    }
}
