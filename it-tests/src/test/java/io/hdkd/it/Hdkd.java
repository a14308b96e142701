package io.hdkd.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a distribution's {@code bin/hdkd} as a separate process and captures its exit code, stdout and stderr. */
final class Hdkd {

    /** The unpacked distribution the build assembled (system property set by the it-tests pom). */
    static Path distribution() {
        String dir = System.getProperty("hdkd.dist");
        if (dir == null) {
            throw new IllegalStateException("system property hdkd.dist is not set; run through 'mvn verify'");
        }
        Path dist = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isExecutable(dist.resolve("bin/hdkd"))) {
            throw new IllegalStateException("no executable bin/hdkd in " + dist + "; was the distribution built?");
        }
        return dist;
    }

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Hdkd() {}

    /** Runs {@code home/bin/hdkd args} in {@code workDir}. */
    static Result run(Path home, Path workDir, String... args) throws IOException, InterruptedException {
        return run(home, workDir, java.util.Map.of(), args);
    }

    /** Runs {@code home/bin/hdkd args} in {@code workDir} with extra environment variables. */
    static Result run(Path home, Path workDir, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return runScript(home.resolve("bin/hdkd"), workDir, env, args);
    }

    /** As {@link #run(Path, Path, java.util.Map, String...)} for commands that take longer, e.g. training. */
    static Result run(Path home, Path workDir, java.util.Map<String, String> env, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/hdkd").toString());
        command.addAll(List.of(args));
        return process(command, workDir, withJavaOpts(env), timeout);
    }

    /**
     * Starts {@code home/bin/hdkd args} in {@code workDir} without waiting; stdout and stderr go to the given files.
     * bin/hdkd execs java, so the returned process is the JVM itself (what a kill must hit).
     */
    static Process start(Path home, Path workDir, Path out, Path err, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/hdkd").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(withJavaOpts(java.util.Map.of()));
        return pb.start();
    }

    /** Runs a launcher script (e.g. a symlink to bin/hdkd) in {@code workDir}. */
    static Result runScript(Path script, Path workDir, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        return process(command, workDir, withJavaOpts(env), Duration.ofSeconds(120));
    }

    private static java.util.Map<String, String> withJavaOpts(java.util.Map<String, String> env) {
        java.util.Map<String, String> all = new java.util.HashMap<>();
        all.put("JAVA_OPTS", "-Xmx1g -XX:TieredStopAtLevel=1 -Xshare:auto");
        all.putAll(env);
        return all;
    }

    /** Runs any command in {@code workDir} with extra environment variables; fails if it outlives the timeout. */
    static Result process(List<String> command, Path workDir, java.util.Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("hdkd-out", ".txt");
        Path err = Files.createTempFile("hdkd-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout
                        + "\n--- stdout\n" + Files.readString(out, StandardCharsets.UTF_8) + "--- stderr\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
