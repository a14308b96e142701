package io.hdkd.core.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;

/**
 * libtorch's operator profiler around a benchmark's timed steps, written as a Chrome trace that
 * {@code scripts/bench/profile_summary.py} sums per operator. A null file profiles nothing, so callers need no branch.
 */
public final class OperatorProfile {

    private OperatorProfile() {}

    /** Starts recording libtorch's CPU operators when {@code file} is given. */
    public static void start(Path file) {
        if (file != null) {
            JniUtils.startProfile(false, true, false);
        }
    }

    /** Stops recording and writes the trace to {@code file} when it is given. */
    public static void stop(Path file) {
        if (file != null) {
            JniUtils.stopProfile(file.toAbsolutePath().toString());
        }
    }
}
