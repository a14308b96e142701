package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.pipeline.TrainingRun;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.train.Checkpoints;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that train into a run folder ({@code train}, {@code distill}):
 * {@code --config FILE [--set k=v]... --out RUN [--resume | --force]}.
 */
final class RunOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "The configuration (.properties). With --resume, "
            + "defaults to the run's own RUN/config.properties.")
    Path config;

    @Mixin
    ConfigOverrides overrides;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "The run folder.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in RUN from its latest checkpoint.")
    boolean resume;

    @Option(names = "--force", description = "Delete RUN first if it exists.")
    boolean force;

    @Option(names = "--resume-or-start", description = "Continue the run in RUN if it holds one (RUN/config.properties)"
            + ", else start it (RUN absent or empty): what a job that may be killed and run again uses.")
    boolean resumeOrStart;

    /** The user's keys: the configuration file (the run's own with a bare --resume) with the --set keys on top. */
    Map<String, String> rawConfig() {
        if (resume && force) {
            throw new InvalidInputException("--resume and --force contradict each other: pick one");
        }
        if (resumeOrStart && (resume || force)) {
            throw new InvalidInputException("--resume-or-start decides between --resume and a new run itself: "
                    + "give it alone");
        }
        if (resumeOrStart) {
            resume = holdsRun(out);
            if (resume) {
                System.err.println("resume-or-start: " + out + " holds a run: resuming it from "
                        + latestCheckpoint(out));
            } else if (config == null) {
                throw new InvalidInputException("--resume-or-start: " + out + " holds no run yet, so --config FILE "
                        + "is required to start it");
            }
        }
        Path file = config;
        if (file == null) {
            if (!resume) {
                throw new InvalidInputException("--config FILE is required (only --resume can do without it)");
            }
            RunFolder folder = RunFolder.at(out);
            file = folder.config();
            if (!folder.holdsRun()) {
                throw new InvalidInputException("--resume: " + out + " holds no run (no " + RunFolder.CONFIG + ")");
            }
        }
        return overrides.over(file);
    }

    /** True if {@code dir} holds a run that --resume can continue (its config.properties). */
    static boolean holdsRun(Path dir) {
        return RunFolder.at(dir).holdsRun();
    }

    /** The run's latest checkpoint's folder name, or "the start (no checkpoint yet)". */
    static String latestCheckpoint(Path dir) {
        try {
            Path pointer = RunFolder.at(dir).checkpoints().resolve(Checkpoints.LATEST);
            if (Files.isRegularFile(pointer)) {
                return "checkpoint " + Files.readString(pointer).trim();
            }
        } catch (java.io.IOException e) {
            // reported by the resume itself
        }
        return "the start (no checkpoint yet)";
    }

    /** Prints a finished run's final metrics, its model folder and its report, one per line. */
    static void printOutcome(PrintWriter w, TrainingRun.Outcome outcome) {
        outcome.finalMetrics().forEach((k, v) -> {
            if (!k.equals("epoch") && !k.equals("step")) {
                w.println(String.format(Locale.ROOT, "%s %.6f", k, v));
            }
        });
        w.println("model: " + RunFolder.at(outcome.runDir()).model());
        w.println("report: " + outcome.report());
    }
}
