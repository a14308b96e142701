package io.hdkd.core.engine;

import java.time.Duration;

/** Runs the kernel check with oneDNN capped at a given instruction set ({@code ALL} = no cap). */
@FunctionalInterface
public interface IsaCheck {

    IsaCheckResult run(String isa);

    /**
     * The real check: {@link ConvKernelCheck} in a child JVM, so a native crash only ends the child; a child that
     * prints nothing for {@code stall} is taken for hung.
     */
    static IsaCheck inChildJvm(Duration stall) {
        return new ChildJvmIsaCheck(stall, ConvKernelCheck.DEFAULT_REPEATS);
    }
}
