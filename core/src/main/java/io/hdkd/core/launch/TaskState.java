package io.hdkd.core.launch;

/**
 * Where one run of a batch stands.
 *
 * @param detail for FAILED, why (the run's last log line, or how its job ended); for PENDING/RUNNING, the job
 */
public record TaskState(State state, String detail) {

    /** The states a run can be in; {@link #ended()} ones need no more waiting. */
    public enum State {
        /** never started (or started by a submitter that died before the scheduler took it) */
        MISSING,
        /** submitted, waiting in the scheduler's queue */
        PENDING,
        /** its process runs */
        RUNNING,
        /** finished: exit 0 and evaluations written */
        DONE,
        /** ended otherwise: an error, or killed (time limit, preemption, scancel, a killed sweep) */
        FAILED;

        public boolean ended() {
            return this == DONE || this == FAILED;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static TaskState of(State state) {
        return new TaskState(state, "");
    }
}
