package io.hdkd.core.io;

import io.hdkd.api.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Folder helpers for outputs written as a whole (a temporary folder renamed into place). */
public final class Directories {

    private Directories() {}

    /**
     * Makes way for a command's output folder: with {@code force} deletes {@code dir} if it exists; without it, an
     * existing non-empty {@code dir} is bad input, reported as "{@code dir} exists; pass {@code hint}".
     *
     * @param hint what the user may pass instead, e.g. {@code "--force to delete it and start over"}
     */
    public static void clearOrRefuse(Path dir, boolean force, String hint) {
        if (force) {
            try {
                deleteRecursively(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
            }
            return;
        }
        try {
            AtomicFiles.checkWritable(dir, false);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(dir + " exists; pass " + hint);
        }
    }

    /** Deletes {@code root} and everything below it; does nothing if it does not exist. Does not follow links. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
