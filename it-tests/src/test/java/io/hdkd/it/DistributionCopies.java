package io.hdkd.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Copies of the assembled distribution that a test may change (e.g. drop plugins into). */
final class DistributionCopies {

    private DistributionCopies() {}

    /** A copy of {@code dist} (bin, conf, plugins; lib/ linked, it holds the 200 MB of natives) in {@code target}. */
    static Path of(Path dist, Path target) throws IOException {
        Files.createDirectories(target);
        for (String part : List.of("bin", "conf", "plugins")) {
            try (Stream<Path> s = Files.walk(dist.resolve(part))) {
                for (Path p : s.toList()) {
                    Path to = target.resolve(dist.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        Files.createSymbolicLink(target.resolve("lib"), dist.resolve("lib"));
        return target;
    }
}
