package io.hdkd.core.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every checked-in corpus input of every fuzz target (seeds and the inputs fuzzing runs found), run in every build:
 * each must still give a valid result or a clean refusal.
 */
class CorpusRegressionTest {

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyCorpusInput() {
        return FuzzTargets.NAMES.stream()
                .flatMap(target -> Corpus.files(target).stream().map(file -> DynamicTest.dynamicTest(
                        target + "/" + file.getFileName(), () -> {
                            Path scratch = Files.createTempDirectory(tmp, target);
                            FuzzTargets.outcome(FuzzTargets.named(target), Files.readAllBytes(file), scratch);
                        })));
    }
}
