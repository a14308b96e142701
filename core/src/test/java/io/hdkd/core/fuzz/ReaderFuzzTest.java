package io.hdkd.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Property-based fuzzing of every reader that takes user files: the COCO reader, the detections reader of
 * {@code eval-coco}, the configuration reader and resolver, the {@code --set} parser, the checkpoint reader, and the
 * Java-side checks of an ONNX teacher. Inputs are the checked-in seeds ({@code src/test/resources/fuzz/<target>/})
 * after 1-8 random mutations, plus raw random bytes; each must give a valid result or a clean refusal. The build runs
 * {@code jqwik.tries.default} tries per target (300, see junit-platform.properties); a long run is one command in
 * docs/RELIABILITY.md.
 */
class ReaderFuzzTest {

    private Path scratch;

    @BeforeProperty
    void createScratch() throws IOException {
        scratch = Files.createTempDirectory("hdkd-fuzz");
    }

    @AfterProperty
    void deleteScratch() throws IOException {
        io.hdkd.core.io.Directories.deleteRecursively(scratch);
    }

    private Path fresh() {
        try {
            Path p = scratch.resolve("case");
            io.hdkd.core.io.Directories.deleteRecursively(p.resolve("run"));
            Files.createDirectories(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A target's inputs; also what {@link TimedFuzzer} draws from in a long run. */
    static Arbitrary<byte[]> inputs(String target) {
        List<byte[]> seeds = Corpus.seeds(target);
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(seeds), Arbitraries.longs(),
                Arbitraries.integers().between(1, 8)).as(Mutations::mutate);
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, mutated), net.jqwik.api.Tuple.of(1, random),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(seeds)));
    }

    private void fuzz(String target, byte[] input) {
        Statistics.label(target).collect(FuzzTargets.outcome(FuzzTargets.named(target), input, fresh()));
    }

    @Provide
    Arbitrary<byte[]> coco() {
        return inputs("coco");
    }

    @Provide
    Arbitrary<byte[]> detections() {
        return inputs("detections");
    }

    @Provide
    Arbitrary<byte[]> config() {
        return inputs("config");
    }

    @Provide
    Arbitrary<byte[]> sets() {
        return inputs("sets");
    }

    @Provide
    Arbitrary<byte[]> checkpoint() {
        return inputs("checkpoint");
    }

    @Provide
    Arbitrary<byte[]> onnxShapes() {
        return inputs("onnx-shapes");
    }

    @Property
    void cocoReader(@ForAll("coco") byte[] input) {
        fuzz("coco", input);
    }

    @Property
    void detectionsReader(@ForAll("detections") byte[] input) {
        fuzz("detections", input);
    }

    @Property
    void configurationReader(@ForAll("config") byte[] input) {
        fuzz("config", input);
    }

    @Property
    void setParser(@ForAll("sets") byte[] input) {
        fuzz("sets", input);
    }

    @Property
    void checkpointReader(@ForAll("checkpoint") byte[] input) {
        fuzz("checkpoint", input);
    }

    @Property
    void onnxTeacherChecks(@ForAll("onnxShapes") byte[] input) {
        fuzz("onnx-shapes", input);
    }
}
