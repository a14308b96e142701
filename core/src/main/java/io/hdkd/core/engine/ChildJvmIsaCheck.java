package io.hdkd.core.engine;

import io.hdkd.core.sweep.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@link ConvKernelCheck} in a child JVM (this JVM's java and class path, see {@link ChildJvm}) with
 * {@code ONEDNN_MAX_CPU_ISA} set, and reads its verdict from the child's output and exit code. A child that dies
 * without a verdict (a native crash, the OOM killer) or prints nothing for the stall timeout (a hang) is a
 * {@code CRASH}.
 */
final class ChildJvmIsaCheck implements IsaCheck {

    private final Duration timeout;
    private final List<String> childArgs;

    ChildJvmIsaCheck(Duration timeout, int repeats) {
        this(timeout, List.of("--repeats", Integer.toString(repeats)));
    }

    ChildJvmIsaCheck(Duration timeout, List<String> childArgs) {
        this.timeout = timeout;
        this.childArgs = List.copyOf(childArgs);
    }

    @Override
    public IsaCheckResult run(String isa) {
        long start = System.nanoTime();
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("hdkd-isa-check");
            Path out = tmp.resolve("out.txt");
            Path err = tmp.resolve("err.txt");
            List<String> jvm = List.of("-Xmx512m", "-XX:ErrorFile=" + tmp.resolve("hs_err_pid%p.log"));
            ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(ConvKernelCheck.class.getName(), jvm, childArgs))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put(OneDnnIsa.ENV, isa);
            pb.environment().putIfAbsent("OPT_OUT_TRACKING", "true");
            Process p = pb.start();
            boolean finished = waitWhileProgressing(p, out);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            List<String> stdout = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (!finished) {
                return new IsaCheckResult(IsaCheckResult.Outcome.CRASH, isa, "the check printed nothing for "
                        + timeout.toSeconds() + " s (a hang counts as a failure)", failures(stdout), ms);
            }
            return verdict(isa, stdout, p.exitValue(), lastLine(Files.readAllLines(err, StandardCharsets.UTF_8)),
                    problematicFrame(tmp), ms);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the oneDNN kernel check in a child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the oneDNN kernel check ran", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Waits for the child while it makes progress: it prints a line per shape and thread count, so only a child whose
     * output stays unchanged for {@code timeout} is given up on (a hang); a slow child on a loaded machine is not.
     */
    private boolean waitWhileProgressing(Process p, Path out) throws IOException, InterruptedException {
        long lastSize = -1;
        long lastChange = System.nanoTime();
        while (!p.waitFor(1, TimeUnit.SECONDS)) {
            long size = Files.size(out);
            if (size != lastSize) {
                lastSize = size;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > timeout.toNanos()) {
                return false;
            }
        }
        return true;
    }

    /** The verdict from the child's stdout lines and exit code. */
    static IsaCheckResult verdict(String isa, List<String> stdout, int exitCode, String stderrTail, String frame,
            long ms) {
        List<String> failures = failures(stdout);
        boolean pass = stdout.contains("result PASS");
        boolean fail = stdout.contains("result FAIL");
        if (pass && exitCode == 0) {
            return new IsaCheckResult(IsaCheckResult.Outcome.PASS, isa, "", failures, ms);
        }
        if (fail && exitCode == 3) {
            String reason = failures.size() + " shape/thread check(s) failed; first: "
                    + (failures.isEmpty() ? "?" : failures.get(0));
            return new IsaCheckResult(IsaCheckResult.Outcome.FAIL, isa, reason, failures, ms);
        }
        StringBuilder reason = new StringBuilder("the child JVM died: ").append(describeExit(exitCode));
        String lastShape = null;
        for (String line : stdout) {
            if (line.startsWith("shape ")) {
                lastShape = line.substring("shape ".length());
            }
        }
        reason.append(lastShape == null ? ", before any shape passed" : ", after " + lastShape);
        if (frame != null) {
            reason.append("; problematic frame: ").append(frame);
        } else if (stderrTail != null && !stderrTail.isBlank()) {
            reason.append("; last stderr line: ").append(stderrTail.strip());
        }
        return new IsaCheckResult(IsaCheckResult.Outcome.CRASH, isa, reason.toString(), failures, ms);
    }

    /** {@code exit code 134 (signal 6, SIGABRT: ...)} for codes above 128, as the JVM reports a death by signal. */
    static String describeExit(int code) {
        if (code <= 128) {
            return "exit code " + code;
        }
        int signal = code - 128;
        String name = switch (signal) {
            case 6 -> "SIGABRT: how the JVM ends after a native crash";
            case 9 -> "SIGKILL: killed, e.g. by the kernel's OOM killer";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "signal";
        };
        return String.format(Locale.ROOT, "exit code %d (signal %d, %s)", code, signal, name);
    }

    private static List<String> failures(List<String> stdout) {
        List<String> out = new ArrayList<>();
        for (String line : stdout) {
            if (line.startsWith("fail ")) {
                out.add(line.substring("fail ".length()));
            }
        }
        return out;
    }

    private static String lastLine(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i);
            }
        }
        return null;
    }

    /** The line after {@code # Problematic frame:} of the child's hs_err file, if it wrote one. */
    private static String problematicFrame(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(f -> f.getFileName().toString().startsWith("hs_err"))::iterator) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                for (int i = 0; i + 1 < lines.size(); i++) {
                    if (lines.get(i).startsWith("# Problematic frame:")) {
                        return lines.get(i + 1).replaceFirst("^#\\s*", "").strip();
                    }
                }
            }
        }
        return null;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
