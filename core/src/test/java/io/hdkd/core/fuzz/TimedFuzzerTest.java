package io.hdkd.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.hdkd.api.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The long-run harness itself, on small made-up targets and bounded by executions, not time, so deterministic. */
class TimedFuzzerTest {

    @TempDir
    Path tmp;

    private static final Arbitrary<byte[]> INPUTS = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16);

    private TimedFuzzer fuzzer(long executions, Duration hang) {
        return new TimedFuzzer(Duration.ofMinutes(5), hang, executions, tmp.resolve("corpus"), tmp.resolve("work"));
    }

    @Test
    void aTargetThatOnlyAcceptsOrRefusesHasNoFailures() throws Exception {
        TimedFuzzer.Report r = fuzzer(100, Duration.ofSeconds(60)).run("t", (in, scratch) -> {
            if (in[0] < 0) {
                throw new InvalidInputException("negative first byte");
            }
        }, INPUTS, 1);
        assertThat(r.executions()).isEqualTo(100);
        assertThat(r.valid()).isPositive();
        assertThat(r.refused()).isPositive();
        assertThat(r.valid() + r.refused()).isEqualTo(100);
        assertThat(r.failures()).isEmpty();
        try (var files = Files.list(tmp.resolve("corpus"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void itGoesOnAfterAFailureCountsDistinctOnesAndSavesTheSmallestInputOfEach() throws Exception {
        AtomicInteger shortestTooLong = new AtomicInteger(Integer.MAX_VALUE);
        TimedFuzzer.Report r = fuzzer(150, Duration.ofSeconds(60)).run("t", (in, scratch) -> {
            if (in.length > 8) {
                shortestTooLong.accumulateAndGet(in.length, Math::min);
                throw new IllegalStateException("too long");
            }
            if (in[0] % 2 == 0) {
                // InvalidInputException escapes line breaks itself; a subclass can still break the promise
                throw new InvalidInputException("two lines") {
                    @Override
                    public String getMessage() {
                        return "two\nlines";
                    }
                };
            }
        }, INPUTS, 2);
        assertThat(r.executions()).isEqualTo(150);
        assertThat(r.failures()).hasSize(2);
        long failing = r.failures().values().stream().mapToLong(TimedFuzzer.Failure::count).sum();
        assertThat(r.valid() + r.refused() + failing).isEqualTo(150);
        TimedFuzzer.Failure tooLong = r.failures().values().stream()
                .filter(f -> f.key().startsWith(IllegalStateException.class.getName())).findFirst().orElseThrow();
        byte[] saved = Files.readAllBytes(tooLong.savedInput());
        assertThat(saved).hasSize(shortestTooLong.get()).hasSize(tooLong.inputLength());
        assertThat(tooLong.savedInput().getFileName().toString()).startsWith("regression-new-t-");
        TimedFuzzer.Failure twoLines = r.failures().values().stream()
                .filter(f -> f.key().startsWith(AssertionError.class.getName())).findFirst().orElseThrow();
        assertThat(twoLines.firstLine()).contains("a refusal is one line");
        byte[] refusedInput = Files.readAllBytes(twoLines.savedInput());
        assertThat(refusedInput.length).isLessThanOrEqualTo(8);
        assertThat(refusedInput[0] % 2).isZero();
        assertThat(r.summary()).contains("executions=150").contains("distinct=2");
    }

    @Test
    void aHangIsAFailureAndTheRunGoesOn() throws Exception {
        AtomicBoolean first = new AtomicBoolean(true);
        TimedFuzzer.Report r = fuzzer(20, Duration.ofMillis(300)).run("t", (in, scratch) -> {
            if (first.getAndSet(false)) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, INPUTS, 3);
        assertThat(r.executions()).isEqualTo(20);
        assertThat(r.failures()).containsOnlyKeys("hang");
        assertThat(r.failures().get("hang").count()).isEqualTo(1);
        assertThat(r.valid()).isEqualTo(19);
    }

    @Test
    void theSameSeedGivesTheSameInputs() throws Exception {
        List<List<Byte>> a = new ArrayList<>();
        List<List<Byte>> b = new ArrayList<>();
        fuzzer(50, Duration.ofSeconds(60)).run("t", (in, s) -> a.add(bytes(in)), INPUTS, 42);
        fuzzer(50, Duration.ofSeconds(60)).run("t", (in, s) -> b.add(bytes(in)), INPUTS, 42);
        assertThat(a).hasSize(50).isEqualTo(b);
        List<List<Byte>> c = new ArrayList<>();
        fuzzer(50, Duration.ofSeconds(60)).run("t", (in, s) -> c.add(bytes(in)), INPUTS, 43);
        assertThat(c).isNotEqualTo(a);
    }

    private static List<Byte> bytes(byte[] in) {
        List<Byte> l = new ArrayList<>();
        for (byte x : in) {
            l.add(x);
        }
        return l;
    }
}
