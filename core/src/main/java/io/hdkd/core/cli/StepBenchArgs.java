package io.hdkd.core.cli;

import ai.djl.pytorch.jni.JniUtils;
import io.hdkd.core.bench.TrainingStepTimer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of the training-step benchmarks ({@code bench backbone}, {@code bench train}). */
final class StepBenchArgs {

    @Option(names = "--size", defaultValue = "512", description = "Square input side (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "2", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", paramLabel = "T",
            description = "PyTorch intra-op threads (default: the engine's, ai.djl.pytorch.num_threads).")
    Integer threads;

    @Option(names = "--lr", defaultValue = "0.01", description = "SGD learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--profile", paramLabel = "FILE", description = "Record libtorch's operator profile of the timed"
            + " steps into FILE (Chrome trace JSON; scripts/bench/profile_summary.py sums it per operator).")
    Path profile;

    /** Null if the values make sense, else what is wrong. */
    String problem(int minSize) {
        if (size < minSize || batch < 1 || steps < 1 || warmup < 0 || (threads != null && threads < 1)) {
            return "--size must be >= " + minSize + "; --batch, --steps and --threads >= 1; --warmup >= 0";
        }
        return null;
    }

    TrainingStepTimer timer() {
        return new TrainingStepTimer(warmup, steps, batch, profile);
    }

    /**
     * Runs {@code body} with the engine's intra-op threads set to {@code --threads}, restoring the previous value
     * after (the setting is process-wide; whoever runs next in this JVM gets the engine as it was).
     */
    void withThreads(Runnable body) {
        int previous = JniUtils.getNumThreads();
        if (threads != null) {
            JniUtils.setNumThreads(threads);
        }
        try {
            body.run();
        } finally {
            JniUtils.setNumThreads(previous);
        }
    }
}
