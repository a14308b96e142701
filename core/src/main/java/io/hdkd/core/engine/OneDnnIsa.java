package io.hdkd.core.engine;

import io.hdkd.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Which instruction set oneDNN may use ({@code ONEDNN_MAX_CPU_ISA}), decided per machine and libtorch by measurement:
 * the user's own {@code ONEDNN_MAX_CPU_ISA} always wins; otherwise the decision cached for this {@link MachineKey}
 * in {@code ~/.hdkd/onednn-isa/} (or {@code $HDKD_CACHE_DIR/onednn-isa/}); otherwise the kernel check runs
 * ({@link IsaCheck}: {@code ALL}, and {@code AVX2} if that fails) and the first instruction set that passes is used
 * and cached; if none passes, {@code AVX} (the cap hdkd used to set everywhere, docs/DJL.md).
 *
 * <p>oneDNN reads the variable once, when the process first uses it, so the decision is applied by whoever starts
 * the JVM: bin/hdkd reads the cached file (a {@code key=value} file it parses with sed, never sources), and
 * {@link io.hdkd.core.sweep.ChildJvm} passes it to sweep children.
 */
public final class OneDnnIsa {

    public static final String ENV = "ONEDNN_MAX_CPU_ISA";
    /** Set by bin/hdkd: where this process's {@code ONEDNN_MAX_CPU_ISA} came from ({@code user}, {@code cache}, ...). */
    public static final String SOURCE_ENV = "HDKD_ONEDNN_ISA_SOURCE";
    public static final String CACHE_DIR_ENV = "HDKD_CACHE_DIR";
    public static final String UNCAPPED = "ALL";
    /** The known-good cap: plain AVX kernels (docs/DJL.md). */
    public static final String FALLBACK = "AVX";
    /** What the check tries, in order; the first that passes is used. */
    public static final List<String> LADDER = List.of(UNCAPPED, "AVX2");

    private static final Pattern ISA_VALUE = Pattern.compile("[A-Z0-9_]{2,40}");
    private static final String HEADER = "# hdkd: oneDNN instruction-set decision for one machine and libtorch. "
            + "Written by 'hdkd isa-check'; bin/hdkd reads isa= before the JVM starts. Delete it to check again.";

    /** Where the process's setting came from. */
    public enum Source { USER, CACHE, CHECK, DEFAULT }

    /** The instruction set to use, where it came from, why, and the decision file (null if none involved). */
    public record Decision(String isa, Source source, String reason, Path file) {}

    /** A decision file's content. {@code result} is the outcome of the uncapped check (PASS, FAIL or CRASH). */
    public record Cached(String isa, String result, String reason, String checked, double seconds) {}

    private OneDnnIsa() {}

    /** {@code $HDKD_CACHE_DIR/onednn-isa}, else {@code ~/.hdkd/onednn-isa}. */
    public static Path cacheDir(Map<String, String> env) {
        String dir = env.get(CACHE_DIR_ENV);
        Path base = dir != null && !dir.isEmpty() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".hdkd");
        return base.resolve("onednn-isa");
    }

    public static Path decisionFile(Map<String, String> env, MachineKey key) {
        return cacheDir(env).resolve(key.fileName());
    }

    /** The user's explicit setting: {@code ONEDNN_MAX_CPU_ISA}, unless bin/hdkd set it from a decision. */
    static Optional<String> userSetting(Map<String, String> env) {
        String v = env.get(ENV);
        String source = env.get(SOURCE_ENV);
        if (v == null || v.isEmpty() || (source != null && !source.equals("user"))) {
            return Optional.empty();
        }
        return Optional.of(v);
    }

    /** The decision without running the check: the user's, the cached one, else {@code AVX}. */
    public static Decision current(Map<String, String> env, MachineKey key, Consumer<String> warn) {
        Optional<String> user = userSetting(env);
        if (user.isPresent()) {
            return new Decision(user.get(), Source.USER, "set by you (" + ENV + "=" + user.get() + ")", null);
        }
        Path file = decisionFile(env, key);
        Optional<Cached> cached = read(file, key, warn);
        if (cached.isPresent()) {
            return fromCache(cached.get(), file);
        }
        return new Decision(FALLBACK, Source.DEFAULT, "no usable decision for this machine and libtorch in " + file
                + "; capped at " + FALLBACK + " until 'hdkd isa-check' runs", file);
    }

    /**
     * The decision, running the check if nothing is cached (or {@code recheck}): the user's setting wins and runs
     * nothing; a check's outcome is written to the decision file atomically.
     */
    public static Decision decide(Map<String, String> env, MachineKey key, IsaCheck check, boolean recheck,
            Consumer<String> warn, Consumer<IsaCheckResult> progress) {
        Optional<String> user = userSetting(env);
        if (user.isPresent() && !recheck) {
            return new Decision(user.get(), Source.USER, "set by you (" + ENV + "=" + user.get() + "); no check run",
                    null);
        }
        Path file = decisionFile(env, key);
        if (!recheck) {
            Optional<Cached> cached = read(file, key, warn);
            if (cached.isPresent()) {
                return fromCache(cached.get(), file);
            }
        }
        Cached cached = runLadder(check, progress);
        write(file, key, cached);
        if (user.isPresent()) {
            // --recheck with the user's own setting: the check is cached for later, the user's setting still wins
            return new Decision(user.get(), Source.USER, "set by you (" + ENV + "=" + user.get()
                    + "), which wins over the check's " + cached.isa() + " (" + cached.reason() + ")", file);
        }
        return new Decision(cached.isa(), Source.CHECK, cached.reason(), file);
    }

    /** Runs the check down {@link #LADDER} until one passes. */
    static Cached runLadder(IsaCheck check, Consumer<IsaCheckResult> progress) {
        StringBuilder reason = new StringBuilder();
        String firstOutcome = null;
        double seconds = 0;
        String chosen = null;
        for (String isa : LADDER) {
            IsaCheckResult r = check.run(isa);
            progress.accept(r);
            seconds += r.durationMs() / 1000.0;
            if (firstOutcome == null) {
                firstOutcome = r.outcome().name();
            }
            if (reason.length() > 0) {
                reason.append("; ");
            }
            reason.append(r.summary());
            if (r.passed()) {
                chosen = isa;
                break;
            }
        }
        if (chosen == null) {
            chosen = FALLBACK;
            reason.append("; capped at ").append(FALLBACK);
        }
        return new Cached(chosen, firstOutcome, reason.toString(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), seconds);
    }

    private static Decision fromCache(Cached c, Path file) {
        return new Decision(c.isa(), Source.CACHE, "checked " + c.checked() + ": " + c.reason(), file);
    }

    /**
     * The decision file for {@code key}, if it is there and sound. A file that cannot be read, lacks a field, holds
     * an invalid {@code isa} or another machine's key is treated as absent, with one warning naming the file.
     */
    public static Optional<Cached> read(Path file, MachineKey key, Consumer<String> warn) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            warn.accept("ignoring the oneDNN decision file " + file + ": cannot read it (" + e.getMessage() + ")");
            return Optional.empty();
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                warn.accept("ignoring the oneDNN decision file " + file + ": line '" + abbreviate(line)
                        + "' is not key=value; it will be checked again");
                return Optional.empty();
            }
            kv.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
        }
        for (String required : List.of("cpu", "cores", "libtorch", "isa", "result")) {
            if (!kv.containsKey(required)) {
                warn.accept("ignoring the oneDNN decision file " + file + ": no '" + required
                        + "=' line; it will be checked again");
                return Optional.empty();
            }
        }
        String isa = kv.get("isa");
        if (!ISA_VALUE.matcher(isa).matches()) {
            warn.accept("ignoring the oneDNN decision file " + file + ": isa='" + abbreviate(isa)
                    + "' is not an instruction-set name such as ALL, AVX2 or AVX; it will be checked again");
            return Optional.empty();
        }
        if (!kv.get("cpu").equals(key.cpuModel()) || !kv.get("cores").equals(Integer.toString(key.cores()))
                || !kv.get("libtorch").equals(key.libtorch())) {
            warn.accept("ignoring the oneDNN decision file " + file + ": it was written for " + kv.get("cpu") + ", "
                    + kv.get("cores") + " processors, libtorch " + kv.get("libtorch") + ", not this " + key);
            return Optional.empty();
        }
        double seconds = 0;
        try {
            seconds = Double.parseDouble(kv.getOrDefault("seconds", "0"));
        } catch (NumberFormatException ignored) {
            // informational only
        }
        return Optional.of(new Cached(isa, kv.get("result"), kv.getOrDefault("reason", ""),
                kv.getOrDefault("checked", "?"), seconds));
    }

    /** Writes the decision file atomically (a reader, e.g. a bin/hdkd starting meanwhile, sees all of it or none). */
    public static void write(Path file, MachineKey key, Cached c) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("cpu=").append(oneLine(key.cpuModel())).append('\n');
        sb.append("cores=").append(key.cores()).append('\n');
        sb.append("libtorch=").append(oneLine(key.libtorch())).append('\n');
        sb.append("isa=").append(c.isa()).append('\n');
        sb.append("result=").append(c.result()).append('\n');
        sb.append("reason=").append(oneLine(c.reason())).append('\n');
        sb.append("checked=").append(c.checked()).append('\n');
        sb.append("seconds=").append(String.format(Locale.ROOT, "%.1f", c.seconds())).append('\n');
        AtomicFiles.writeString(file, sb.toString());
    }

    /** The instruction set a child JVM should get: the user's or bin/hdkd's setting of this process, else decided. */
    public static String forChildren(Map<String, String> env) {
        String v = env.get(ENV);
        if (v != null && !v.isEmpty()) {
            return v;
        }
        return current(env, MachineKey.current(), w -> { }).isa();
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
