package io.hdkd.core.launch;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The batch script of one submission: a job array whose task index picks the run (the index of the run in its batch),
 * each task running that run's child command with {@code --resume-or-start}, its output appended to
 * {@code DIR/logs/<run>.log}, and writing {@code DIR/status/<run>.json} atomically when the command ends.
 */
public final class SlurmScript {

    private SlurmScript() {}

    /**
     * @param commands per task, the full child command (java, its options, Main, the hdkd arguments)
     * @param env the environment the command needs beyond the job's (exported at the top of the script)
     */
    public static String of(LaunchBatch batch, List<LaunchTask> tasks, Map<LaunchTask, List<String>> commands,
            Map<String, String> env, SlurmOptions options) {
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        sb.append("# hdkd: ").append(tasks.size()).append(" run(s) of ").append(batch.dir())
                .append(", one per array task (docs/SCALING.md). Written by hdkd; submitted with sbatch.\n");
        sb.append("#SBATCH --job-name=").append(batch.jobName()).append('\n');
        sb.append("#SBATCH --array=").append(arraySpec(tasks)).append('\n');
        sb.append("#SBATCH --ntasks=1\n");
        sb.append("#SBATCH --cpus-per-task=")
                .append(options.cpusPerTask() != null ? options.cpusPerTask() : batch.threads()).append('\n');
        sb.append("#SBATCH --output=").append(batch.dir().resolve("slurm")).append("/%A_%a.out\n");
        sb.append("#SBATCH --chdir=").append(batch.dir()).append('\n');
        if (options.partition() != null) {
            sb.append("#SBATCH --partition=").append(options.partition()).append('\n');
        }
        if (options.account() != null) {
            sb.append("#SBATCH --account=").append(options.account()).append('\n');
        }
        if (options.time() != null) {
            sb.append("#SBATCH --time=").append(options.time()).append('\n');
        }
        if (options.memory() != null) {
            sb.append("#SBATCH --mem=").append(options.memory()).append('\n');
        }
        if (options.gpus() != null && options.gpus() > 0) {
            sb.append("#SBATCH --gpus-per-task=").append(options.gpus()).append('\n');
        }
        sb.append("set -u\n");
        env.forEach((k, v) -> sb.append("export ").append(k).append('=').append(quote(v)).append('\n'));
        sb.append("dir=").append(quote(batch.dir().toString())).append('\n');
        // the JVM part (java, options, class path, main class) is the same for every run: written once
        List<String> jvm = jvmPart(tasks, commands);
        sb.append("jvm=(");
        sb.append(jvm.stream().map(SlurmScript::quote).collect(Collectors.joining(" ")));
        sb.append(")\n");
        sb.append("case \"${SLURM_ARRAY_TASK_ID:-}\" in\n");
        for (LaunchTask t : tasks) {
            List<String> cmd = commands.get(t);
            sb.append("  ").append(t.index()).append(")\n    run=").append(quote(t.name()))
                    .append("\n    set -- \"${jvm[@]}\"");
            for (String arg : cmd.subList(jvm.size(), cmd.size())) {
                sb.append(' ').append(quote(arg));
            }
            sb.append(" ;;\n");
        }
        sb.append("  *) echo \"hdkd: error: no run for array task ${SLURM_ARRAY_TASK_ID:-(none)}\" >&2; exit 2 ;;\n");
        sb.append("esac\n");
        sb.append("""
                mkdir -p "$dir/logs" "$dir/status"
                rm -f "$dir/status/$run.json"
                job="${SLURM_ARRAY_JOB_ID:-?}_${SLURM_ARRAY_TASK_ID}"
                echo "=== hdkd: job $job on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$dir/logs/$run.log"
                SECONDS=0
                "$@" >> "$dir/logs/$run.log" 2>&1
                code=$?
                ok=false
                if [ "$code" -eq 0 ] && [ -f "$dir/$run/eval.jsonl" ]; then ok=true; fi
                tmp="$dir/status/.$run.json.$$.tmp"
                printf '{"run":"%s","exit":%d,"ok":%s,"seconds":%d,"launcher":"slurm","job":"%s"}\\n' \\
                    "$run" "$code" "$ok" "$SECONDS" "$job" > "$tmp" && mv -f "$tmp" "$dir/status/$run.json"
                exit "$code"
                """);
        return sb.toString();
    }

    /** The longest start all the commands share, up to the first hdkd argument of the shortest. */
    static List<String> jvmPart(List<LaunchTask> tasks, Map<LaunchTask, List<String>> commands) {
        List<String> first = commands.get(tasks.get(0));
        int n = first.size() - tasks.get(0).args().size();
        for (LaunchTask t : tasks) {
            List<String> cmd = commands.get(t);
            n = Math.min(n, cmd.size() - t.args().size());
            for (int i = 0; i < n; i++) {
                if (!cmd.get(i).equals(first.get(i))) {
                    n = i;
                    break;
                }
            }
        }
        return first.subList(0, Math.max(n, 0));
    }

    /** The --array value: the tasks' indices, ranges collapsed, e.g. {@code 0-3,7,9-10}. */
    public static String arraySpec(List<LaunchTask> tasks) {
        List<Integer> idx = tasks.stream().map(LaunchTask::index).sorted().distinct().toList();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < idx.size(); i++) {
            int start = idx.get(i);
            int end = start;
            while (i + 1 < idx.size() && idx.get(i + 1) == end + 1) {
                end = idx.get(++i);
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(start);
            if (end > start) {
                sb.append('-').append(end);
            }
        }
        return sb.toString();
    }

    /** Quotes a word for bash: single quotes, with embedded single quotes as '\''. */
    public static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./=:,+@%-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The task indices of a submission, joined (for messages). */
    static String names(List<LaunchTask> tasks) {
        return tasks.stream().map(LaunchTask::name).collect(Collectors.joining(", "));
    }
}
