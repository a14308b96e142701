package io.hdkd.core.launch;

import java.util.List;

/**
 * One run a launcher starts: {@code hdkd ARGS} in a child JVM, writing its run folder {@code DIR/<name>/}.
 *
 * @param index the run's place in its batch (a Slurm array task index)
 * @param name the run's folder name under the batch folder (also its log's and status file's name)
 * @param args the hdkd arguments, e.g. {@code train --config FILE --set ... --out DIR/<name> --resume-or-start}
 */
public record LaunchTask(int index, String name, List<String> args) {

    public LaunchTask {
        args = List.copyOf(args);
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
    }
}
