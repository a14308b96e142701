package io.hdkd.core.launch;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * What starts the runs of a batch: {@code local} runs them here, one child JVM after another; {@code slurm} submits
 * them as one Slurm job array. Everything else (which runs to start, their states, the tables) is the same for every
 * launcher and lives in {@link Launches}: a launcher only starts runs and says which of them it still holds.
 *
 * <p>A run, wherever it runs, is the child command {@link LocalLauncher#command} builds (the same java, class path and
 * system properties, PyTorch threads pinned to {@link LaunchBatch#threads()}), with {@code --resume-or-start}, so a run
 * killed and started again continues from its last checkpoint; when its process ends, it writes
 * {@link LaunchBatch#status} atomically. Another scheduler (Kubernetes Jobs, LSF) is one more implementation: submit
 * the tasks so that each runs that command and writes that status file, and report the ones still queued or running.
 */
public interface Launcher {

    /** The name given to {@code --launcher}. */
    String name();

    /**
     * Starts {@code tasks} (a subset of the batch's, none of which is queued or running). A launcher that runs them
     * itself returns when they have ended; a scheduler returns once they are submitted.
     *
     * @throws io.hdkd.api.InvalidInputException if the scheduler cannot be reached or refuses the submission; then
     *     nothing of this call stays submitted, and the message says so
     */
    void start(LaunchBatch batch, List<LaunchTask> tasks, PrintWriter progress);

    /**
     * The runs this launcher still holds (queued or running), by name, with state PENDING or RUNNING and the job as
     * detail; and, with state FAILED, the runs it started that have left it without writing their status file
     * (killed). Asked before the run folders are read, so a run that ends in between is seen as ended with its status.
     */
    Map<String, TaskState> view(LaunchBatch batch);

    /** True if {@link #start} returns before the runs end (a scheduler). */
    boolean detached();
}
