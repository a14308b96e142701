package io.hdkd.core.data.coco;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Image file checks for dataset readers: confinement to the image folder, and size read from the header only. */
final class ImageFiles {

    private ImageFiles() {}

    /**
     * The file {@code fileName} names inside {@code dir}, or null if it is absolute or leaves {@code dir}
     * ({@code ../}), or is not a valid path at all.
     */
    static Path resolveInside(Path dir, String fileName) {
        if (fileName.isEmpty() || fileName.startsWith("/") || fileName.startsWith("\\")) {
            return null;
        }
        try {
            Path rel = Path.of(fileName);
            if (rel.isAbsolute() || rel.getRoot() != null) {
                return null;
            }
            Path base = dir.toAbsolutePath().normalize();
            Path resolved = base.resolve(rel).normalize();
            return resolved.startsWith(base) && !resolved.equals(base) ? resolved : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * Null if {@code file} is a readable image of {@code width x height}, else what is wrong. Only the header is
     * read (ImageReader's getWidth/getHeight), no pixels are decoded.
     */
    static String checkSize(Path file, int width, int height) {
        if (!Files.isRegularFile(file)) {
            return "image file not found: " + file;
        }
        if (!Files.isReadable(file)) {
            return "image file not readable: " + file;
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return "image file not readable: " + file;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return "not an image format Java can read: " + file;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w != width || h != height) {
                    return "declared " + width + "x" + height + " but the file is " + w + "x" + h;
                }
                return null;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return "cannot read image header of " + file + ": " + e.getMessage();
        }
    }
}
