package io.hdkd.core.engine;

import java.time.Duration;

/** Runs the kernel check with oneDNN capped at a given instruction set ({@code ALL} = no cap). */
@FunctionalInterface
public interface IsaCheck {

    IsaCheckResult run(String isa);

    /** The real check: {@link ConvKernelCheck} in a child JVM, so a native crash only ends the child. */
    static IsaCheck inChildJvm(Duration timeout) {
        return new ChildJvmIsaCheck(timeout, ConvKernelCheck.DEFAULT_REPEATS);
    }
}
