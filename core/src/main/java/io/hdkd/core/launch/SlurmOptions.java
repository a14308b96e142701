package io.hdkd.core.launch;

import io.hdkd.api.InvalidInputException;
import java.util.List;

/**
 * What each run asks Slurm for. Null (or empty) fields are left to the cluster's defaults.
 *
 * @param partition {@code --partition}
 * @param account {@code --account}
 * @param time {@code --time}, e.g. {@code 30}, {@code 2:00:00}, {@code 1-00:00:00}
 * @param cpusPerTask {@code --cpus-per-task}
 * @param memory {@code --mem}, e.g. {@code 4G}
 * @param gpus {@code --gpus-per-task} (0 or null: none)
 * @param sbatchArgs more sbatch arguments, each one argument, given before the script (they win over the script's)
 * @param waitPoll seconds between two looks at the queue with --wait
 */
public record SlurmOptions(String partition, String account, String time, Integer cpusPerTask, String memory,
        Integer gpus, List<String> sbatchArgs, int waitPoll) {

    public SlurmOptions {
        sbatchArgs = sbatchArgs == null ? List.of() : List.copyOf(sbatchArgs);
        if (cpusPerTask != null && cpusPerTask < 1) {
            throw new InvalidInputException("--slurm-cpus-per-task must be >= 1, got " + cpusPerTask);
        }
        if (gpus != null && gpus < 0) {
            throw new InvalidInputException("--slurm-gpus must be >= 0, got " + gpus);
        }
        if (waitPoll < 1) {
            throw new InvalidInputException("--slurm-poll must be >= 1 s, got " + waitPoll);
        }
        for (String v : new String[] {partition, account, time, memory}) {
            if (v != null && (v.isBlank() || v.contains("\n"))) {
                throw new InvalidInputException("--slurm-* options take one non-empty line, got '" + v + "'");
            }
        }
    }

    /** Where a folder's Slurm options are kept (by each submission), so a later call resubmits with them. */
    public static final String STORED = "slurm/options.properties";

    /** These options and the runs' threads, as DIR/slurm/options.properties keeps them. */
    public java.util.Properties toProperties(int threads) {
        java.util.Properties p = new java.util.Properties();
        java.util.function.BiConsumer<String, Object> put = (k, v) -> {
            if (v != null) {
                p.setProperty(k, v.toString());
            }
        };
        put.accept("partition", partition);
        put.accept("account", account);
        put.accept("time", time);
        put.accept("mem", memory);
        put.accept("cpus-per-task", cpusPerTask);
        put.accept("gpus", gpus);
        put.accept("threads", threads);
        put.accept("sbatch-args", String.join("\u0001", sbatchArgs));
        return p;
    }

    /** Nothing set: the cluster's defaults, one CPU per run unless the threads say otherwise. */
    public static SlurmOptions defaults() {
        return new SlurmOptions(null, null, null, null, null, null, List.of(), 10);
    }
}
