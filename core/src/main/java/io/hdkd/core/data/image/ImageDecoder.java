package io.hdkd.core.data.image;

import io.hdkd.api.InvalidInputException;
import io.hdkd.runtime.Pixels;
import java.awt.image.BufferedImage;
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

    /** Converts any BufferedImage to RGB floats (hdkd-runtime's {@link Pixels#rgb}, shared with exported models). */
    public static FloatImage toFloat(BufferedImage img) {
        return new FloatImage(3, img.getHeight(), img.getWidth(), Pixels.rgb(img));
    }
}
