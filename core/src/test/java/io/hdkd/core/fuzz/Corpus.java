package io.hdkd.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checked-in corpus of a fuzz target, {@code src/test/resources/fuzz/<target>/}: valid seeds the mutations start
 * from, and every input a fuzzing run found that once failed (named {@code regression-*}), run by
 * {@link CorpusRegressionTest} in every build.
 */
final class Corpus {

    private Corpus() {}

    static List<Path> files(String target) {
        try {
            Path dir = Path.of(Corpus.class.getResource("/fuzz/" + target).toURI());
            List<Path> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(Files::isRegularFile).sorted().forEach(out::add);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no corpus folder fuzz/" + target + " on the test class path", e);
        }
    }

    static List<byte[]> seeds(String target) {
        List<byte[]> out = new ArrayList<>();
        for (Path p : files(target)) {
            if (!p.getFileName().toString().startsWith("regression-")) {
                try {
                    out.add(Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }
}
