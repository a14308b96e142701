package io.hdkd.core.launch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The runs of one sweep (or ratio study) and the folder they share. The layout is the same whatever starts the runs:
 *
 * <pre>
 * DIR/&lt;run&gt;/              each run's folder, as train/distill writes it
 * DIR/logs/&lt;run&gt;.log       each run's stdout and stderr
 * DIR/status/&lt;run&gt;.json    written when a run's process ends: its exit code, ok, wall time
 * DIR/slurm/               the Slurm launcher's job scripts and submission records
 * </pre>
 *
 * @param dir the batch folder (absolute); with a scheduler, on a file system every node sees
 * @param tasks the runs, indices 0..n-1 in order
 * @param threads the PyTorch intra-op threads every run is pinned to ({@code -Dai.djl.pytorch.num_threads})
 */
public record LaunchBatch(Path dir, List<LaunchTask> tasks, int threads) {

    public LaunchBatch {
        dir = dir.toAbsolutePath().normalize();
        tasks = List.copyOf(tasks);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).index() != i) {
                throw new IllegalArgumentException("task " + i + " has index " + tasks.get(i).index());
            }
            if (!names.add(tasks.get(i).name())) {
                throw new IllegalArgumentException("two tasks are named " + tasks.get(i).name());
            }
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
    }

    public Path runDir(LaunchTask task) {
        return dir.resolve(task.name());
    }

    public Path log(LaunchTask task) {
        return dir.resolve("logs").resolve(task.name() + ".log");
    }

    public Path status(LaunchTask task) {
        return dir.resolve("status").resolve(task.name() + ".json");
    }

    /** A short name for the batch's jobs, the same for every submission from this folder: hdkd-&lt;hash of dir&gt;. */
    public String jobName() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(dir.toString().getBytes(StandardCharsets.UTF_8));
            return "hdkd-" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
