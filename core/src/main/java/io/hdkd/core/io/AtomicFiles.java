package io.hdkd.core.io;

import io.hdkd.api.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that nothing is lost: content goes to a temporary file in the same folder, which is then renamed
 * over the target. A reader sees the old file or the new one, never half of one.
 */
public final class AtomicFiles {

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Atomically writes {@code text} (UTF-8) to {@code target}, replacing it if present. */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Atomically writes what {@code writer} produces to {@code target}, replacing it if present. */
    public static void write(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            move(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the target is untouched either way
                }
            }
        }
    }

    /** Renames {@code source} over {@code target}, atomically where the file system allows. */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Refuses to overwrite an existing output unless {@code force}: one line naming the path and the flag.
     *
     * @throws InvalidInputException if {@code target} exists (a non-empty folder counts, an empty one does not)
     */
    public static void checkWritable(Path target, boolean force) {
        if (force || !Files.exists(target)) {
            return;
        }
        if (Files.isDirectory(target)) {
            try (var entries = Files.list(target)) {
                if (entries.findAny().isEmpty()) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new InvalidInputException(target + " exists; pass --force to overwrite it");
    }
}
