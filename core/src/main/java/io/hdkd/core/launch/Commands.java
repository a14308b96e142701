package io.hdkd.core.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a scheduler's command-line tools (sbatch, squeue, ...); tests substitute a fake. */
@FunctionalInterface
public interface Commands {

    /** What a command printed and how it exited. */
    record Result(int exit, String out, String err) {

        /** The first non-blank line of stderr (else stdout), without a leading "sbatch: error: ". */
        public String message() {
            for (String text : List.of(err, out)) {
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        return line.strip().replaceFirst("^[a-z]+: error: ", "");
                    }
                }
            }
            return "exit " + exit + ", no output";
        }
    }

    /**
     * Runs {@code command} with {@code env} added to this process's environment and waits for it.
     *
     * @throws IOException if the program cannot be started (e.g. not on the PATH)
     */
    Result run(List<String> command, Map<String, String> env) throws IOException;

    /** The real thing: a process, one minute at most. */
    static Commands system() {
        return (command, env) -> {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            // small outputs: read stdout fully, then stderr (a scheduler tool prints a few lines)
            var out = new java.util.concurrent.CompletableFuture<String>();
            Thread reader = new Thread(() -> {
                try {
                    out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.complete("");
                }
            });
            reader.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(124, "", String.join(" ", command) + " did not answer within 60 s");
                }
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted while running " + command.get(0), e);
            }
            return new Result(p.exitValue(), out.getNow(""), err);
        };
    }
}
