package io.hdkd.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.sessions.JqwikSession;

/**
 * A fuzz run bounded by wall time: draws inputs from the same jqwik arbitrary as the target's property in
 * {@link ReaderFuzzTest} and feeds them to the target until the time is spent.
 *
 * <p>jqwik itself only bounds a property by tries, stops at the first failure and then shrinks it (which, for a hang,
 * repeats the hang). This loop instead keeps going after a failure so that it can count <em>distinct</em> failures,
 * runs every input on a worker thread with a time limit so that a hang is a failure and not a stuck build, and saves
 * the smallest input of each distinct failure into the target's corpus folder as {@code regression-new-<key>},
 * where {@link CorpusRegressionTest} runs it (and fails) until the bug is fixed and the file renamed
 * {@code regression-<what>}. Inputs are reproducible from the seed: the same seed gives the same input sequence.
 */
final class TimedFuzzer {

    /** The generation size passed to the arbitrary: jqwik's default number of tries, which is its default genSize. */
    static final int GEN_SIZE = 1000;

    /** One distinct failure: what was thrown (or the hang), how often, and the smallest input that showed it. */
    record Failure(String key, String firstLine, long count, Path savedInput, int inputLength) {}

    /** What a run did. */
    record Report(String target, long seed, long executions, long valid, long refused, Map<String, Failure> failures,
            double seconds) {

        /** One line for the log and for {@code scripts/fuzz/run.sh}. */
        String summary() {
            return String.format(java.util.Locale.ROOT,
                    "fuzz-result target=%s seconds=%.0f executions=%d valid=%d refused=%d failures=%d distinct=%d seed=%d",
                    target, seconds, executions, valid, refused,
                    failures.values().stream().mapToLong(Failure::count).sum(), failures.size(), seed);
        }
    }

    private final Duration budget;
    private final Duration hangLimit;
    private final long maxExecutions;
    private final Path corpusDir;
    private final Path work;

    /**
     * @param budget wall time of the run
     * @param hangLimit the longest one input may take before it counts as a hang
     * @param maxExecutions a second bound (for the harness's own tests); {@code Long.MAX_VALUE} for none
     * @param corpusDir where failing inputs are saved (the target's corpus folder)
     * @param work scratch space of the run
     */
    TimedFuzzer(Duration budget, Duration hangLimit, long maxExecutions, Path corpusDir, Path work) {
        this.budget = budget;
        this.hangLimit = hangLimit;
        this.maxExecutions = maxExecutions;
        this.corpusDir = corpusDir;
        this.work = work;
    }

    Report run(String name, FuzzTargets.Target target, Arbitrary<byte[]> inputs, long seed) throws IOException {
        Files.createDirectories(corpusDir);
        Path inFlight = work.resolve("in-flight");
        Files.createDirectories(work);
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        long executions = 0;
        long valid = 0;
        long refused = 0;
        Map<String, Failure> failures = new LinkedHashMap<>();
        int generation = 0;
        Path scratch = freshScratch(generation);
        ExecutorService worker = newWorker(name);
        JqwikSession.start();
        try {
            RandomGenerator<byte[]> generator = inputs.generator(GEN_SIZE, true);
            Random random = new Random(seed);
            while (System.nanoTime() < deadline && executions < maxExecutions) {
                byte[] input = generator.next(random).value();
                // Kept for a crash that takes the JVM down (a native fault): the input is then still on disk.
                Files.write(inFlight, input);
                clear(scratch.resolve("run"));
                Path caseDir = scratch;
                Future<FuzzTargets.Outcome> result = worker.submit(() -> FuzzTargets.outcome(target, input, caseDir));
                executions++;
                String key;
                String firstLine;
                try {
                    if (result.get(hangLimit.toMillis(), TimeUnit.MILLISECONDS) == FuzzTargets.Outcome.VALID) {
                        valid++;
                    } else {
                        refused++;
                    }
                    continue;
                } catch (ExecutionException e) {
                    Throwable t = e.getCause();
                    key = key(t);
                    firstLine = firstLine(t);
                } catch (TimeoutException e) {
                    key = "hang";
                    firstLine = "no result within " + hangLimit.toSeconds() + " s";
                    result.cancel(true);
                    // The stuck thread cannot be stopped; it is left behind (a daemon) with its own scratch folder.
                    worker.shutdownNow();
                    worker = newWorker(name);
                    scratch = freshScratch(++generation);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                Failure before = failures.get(key);
                Path saved = corpusDir.resolve("regression-new-" + name + "-" + Integer.toHexString(key.hashCode()));
                int length = before == null ? Integer.MAX_VALUE : before.inputLength();
                if (input.length < length) {
                    Files.write(saved, input);
                    length = input.length;
                }
                failures.put(key, new Failure(key, firstLine, before == null ? 1 : before.count() + 1, saved, length));
            }
        } finally {
            JqwikSession.finish();
            worker.shutdownNow();
        }
        return new Report(name, seed, executions, valid, refused, failures, (System.nanoTime() - start) / 1e9);
    }

    private Path freshScratch(int generation) throws IOException {
        Path p = work.resolve("scratch-" + generation);
        Files.createDirectories(p);
        return p;
    }

    private static void clear(Path dir) {
        try {
            io.hdkd.core.io.Directories.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("the fuzz harness could not clear " + dir, e);
        }
    }

    private static ExecutorService newWorker(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * What makes two failures the same: the class thrown and where, i.e. the first frame of the deepest cause that
     * lies in hdkd's own code (or the first frame at all).
     */
    static String key(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        StackTraceElement where = null;
        for (StackTraceElement e : root.getStackTrace()) {
            if (e.getClassName().startsWith("io.hdkd.")) {
                where = e;
                break;
            }
        }
        if (where == null && root.getStackTrace().length > 0) {
            where = root.getStackTrace()[0];
        }
        return t.getClass().getName() + (root == t ? "" : " <- " + root.getClass().getName())
                + (where == null ? "" : " at " + where.getClassName() + "." + where.getMethodName() + ":"
                        + where.getLineNumber());
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        String line = t.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl) + " ...");
        return line.length() > 300 ? line.substring(0, 300) + " ..." : line;
    }

    static String describe(Report r) {
        StringBuilder b = new StringBuilder(r.summary()).append('\n');
        r.failures().values().forEach(f -> b.append("  failure x").append(f.count()).append(": ").append(f.key())
                .append("\n    ").append(f.firstLine()).append("\n    smallest input (").append(f.inputLength())
                .append(" bytes): ").append(f.savedInput()).append('\n'));
        return b.toString();
    }
}
