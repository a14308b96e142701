package io.hdkd.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The long fuzz run: each target named in {@code hdkd.fuzz.targets} (comma-separated, default all six) for
 * {@code hdkd.fuzz.seconds} of wall time, one after another, through {@link TimedFuzzer}. Not part of the normal
 * build: the class name is outside surefire's test patterns and it runs only when {@code hdkd.fuzz.seconds} is set.
 * Started by {@code scripts/fuzz/run.sh} (docs/RELIABILITY.md, "Fuzzing"), which wraps it in the JaCoCo agent;
 * under the agent the coverage is reset before each target and written after it to {@code <out>/<target>.exec}.
 *
 * <p>Other properties: {@code hdkd.fuzz.seed} (default: from the clock, printed), {@code hdkd.fuzz.hang-seconds}
 * (default 60), {@code hdkd.fuzz.corpus} (where failing inputs go; default this module's
 * {@code src/test/resources/fuzz}), {@code hdkd.fuzz.out} (summaries; default {@code target/fuzz}).
 */
@EnabledIfSystemProperty(named = "hdkd.fuzz.seconds", matches = "[0-9]+")
class LongFuzzRun {

    @Test
    void fuzzForTheGivenTime() throws IOException {
        long seconds = Long.getLong("hdkd.fuzz.seconds");
        String names = System.getProperty("hdkd.fuzz.targets", "all");
        List<String> targets = names.isBlank() || names.equals("all") ? FuzzTargets.NAMES
                : List.of(names.split(","));
        long seed = Long.getLong("hdkd.fuzz.seed", System.nanoTime());
        Duration hang = Duration.ofSeconds(Long.getLong("hdkd.fuzz.hang-seconds", 60));
        Path corpus = Path.of(System.getProperty("hdkd.fuzz.corpus", "src/test/resources/fuzz"));
        Path out = Path.of(System.getProperty("hdkd.fuzz.out", "target/fuzz"));
        Files.createDirectories(out);
        List<String> failed = new ArrayList<>();
        for (String target : targets) {
            Path work = Files.createTempDirectory("hdkd-fuzz-" + target);
            resetCoverage();
            System.out.println("fuzz: " + target + " for " + seconds + " s, seed " + seed + ", input in flight at "
                    + work.resolve("in-flight"));
            TimedFuzzer.Report report = new TimedFuzzer(Duration.ofSeconds(seconds), hang, Long.MAX_VALUE,
                    corpus.resolve(target), work).run(target, FuzzTargets.named(target), ReaderFuzzTest.inputs(target),
                    seed);
            dumpCoverage(out.resolve(target + ".exec"));
            String text = TimedFuzzer.describe(report);
            System.out.print(text);
            Files.writeString(out.resolve(target + ".txt"), text, StandardCharsets.UTF_8);
            if (!report.failures().isEmpty()) {
                failed.add(target);
            }
            try {
                io.hdkd.core.io.Directories.deleteRecursively(work);
            } catch (IOException e) {
                // A hung input's thread may still be writing there; the folder is then left in the temp dir.
                System.out.println("fuzz: could not delete " + work + ": " + e);
            }
        }
        assertThat(failed).as("targets with failures (inputs saved as regression-new-* in the corpus)").isEmpty();
    }

    /**
     * The JaCoCo agent's runtime when the JVM runs under it (profile {@code -Pfuzz}), else null. Reached by reflection
     * so that the normal build needs no JaCoCo: {@code org.jacoco.agent.rt.RT.getAgent()}.
     */
    private static Object jacocoAgent() {
        try {
            return Class.forName("org.jacoco.agent.rt.RT").getMethod("getAgent").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static Class<?> iAgent() throws ClassNotFoundException {
        return Class.forName("org.jacoco.agent.rt.IAgent");
    }

    /** Forgets the coverage so far, so that a target's coverage is its own even when several run in one JVM. */
    private static void resetCoverage() {
        Object agent = jacocoAgent();
        if (agent != null) {
            try {
                iAgent().getMethod("reset").invoke(agent);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("JaCoCo agent: reset failed", e);
            }
        }
    }

    /** Writes the coverage since the last reset as a JaCoCo .exec file, read by the target's report in -Pfuzz. */
    private static void dumpCoverage(Path file) throws IOException {
        Object agent = jacocoAgent();
        if (agent != null) {
            try {
                byte[] data = (byte[]) iAgent().getMethod("getExecutionData", boolean.class).invoke(agent, true);
                Files.write(file, data);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("JaCoCo agent: reading the execution data failed", e);
            }
        }
    }
}
