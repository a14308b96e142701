package io.hdkd.core.engine;

import java.util.List;

/**
 * What one run of the kernel check found for one {@code ONEDNN_MAX_CPU_ISA} value: {@code PASS}, {@code FAIL} (the
 * failing shapes in {@code failures}) or {@code CRASH} (the child JVM died or hung: {@code reason} says how).
 */
public record IsaCheckResult(Outcome outcome, String isa, String reason, List<String> failures, long durationMs) {

    public enum Outcome { PASS, FAIL, CRASH }

    public IsaCheckResult {
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return outcome == Outcome.PASS;
    }

    /** One line: {@code PASS with ONEDNN_MAX_CPU_ISA=ALL in 12.3 s} or the failure's reason. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%s with ONEDNN_MAX_CPU_ISA=%s in %.1f s%s", outcome, isa,
                durationMs / 1000.0, reason.isEmpty() ? "" : ": " + reason);
    }
}
