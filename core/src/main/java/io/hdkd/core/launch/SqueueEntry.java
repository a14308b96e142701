package io.hdkd.core.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of {@code squeue --noheader --array --format=%F|%K|%T|%o}: one element of a job array.
 *
 * @param jobId the array's job id ({@code %F})
 * @param taskId the array task id ({@code %K}); "N/A" for a job that is no array
 * @param state the job state ({@code %T}), e.g. PENDING, RUNNING, COMPLETING
 * @param command the batch script's path ({@code %o})
 */
public record SqueueEntry(String jobId, String taskId, String state, String command) {

    /** The squeue format these lines are parsed from. */
    public static final String FORMAT = "%F|%K|%T|%o";

    /** Parses squeue's output; blank lines are skipped, and a line that is not four fields is an error. */
    public static List<SqueueEntry> parse(String output) {
        List<SqueueEntry> entries = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\|", 4);
            if (f.length != 4) {
                throw new IllegalArgumentException("unexpected squeue line: '" + line.strip() + "'");
            }
            entries.add(new SqueueEntry(f[0].strip(), f[1].strip(), f[2].strip().toUpperCase(Locale.ROOT),
                    f[3].strip()));
        }
        return entries;
    }

    /** RUNNING for a job that runs or is completing (its process may still write), PENDING for every other one. */
    public TaskState.State taskState() {
        return switch (state) {
            case "RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING", "CONFIGURING" -> TaskState.State.RUNNING;
            default -> TaskState.State.PENDING; // PENDING, REQUEUED, SUSPENDED, RESIZING, held, ...
        };
    }
}
