package io.hdkd.core.sweep;

import java.nio.file.Path;

/**
 * What became of one run of a sweep.
 *
 * @param run the run
 * @param status done now, done by an earlier invocation, or failed
 * @param exitCode the child's exit code (0 when done; -1 if it could not be started)
 * @param seconds wall time of the child (0 when skipped)
 * @param log the child's combined stdout and stderr
 * @param message for a failure, the last line the child printed (its one-line error), else empty
 */
public record SweepOutcome(SweepRun run, Status status, int exitCode, double seconds, Path log, String message) {

    /** A run's state after the sweep. */
    public enum Status { DONE, SKIPPED, FAILED }

    public boolean succeeded() {
        return status != Status.FAILED;
    }
}
