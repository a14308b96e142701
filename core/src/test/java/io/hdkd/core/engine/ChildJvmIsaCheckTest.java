package io.hdkd.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmIsaCheckTest {

    @Test
    void readsAPassFromTheChildsOutputAndExitCode() {
        IsaCheckResult r = ChildJvmIsaCheck.verdict("ALL", List.of("isa ALL", "shape a threads=1 ...", "result PASS"), 0,
                null, null, 900);

        assertThat(r.outcome()).isEqualTo(IsaCheckResult.Outcome.PASS);
        assertThat(r.summary()).isEqualTo("PASS with ONEDNN_MAX_CPU_ISA=ALL in 0.9 s");
    }

    @Test
    void namesTheFailingShapes() {
        IsaCheckResult r = ChildJvmIsaCheck.verdict("ALL", List.of("isa ALL", "fail r50 reduce 1x1 threads=2: "
                + "3 of 23 repeats differ from the first", "result FAIL"), 3, null, null, 900);

        assertThat(r.outcome()).isEqualTo(IsaCheckResult.Outcome.FAIL);
        assertThat(r.failures()).containsExactly("r50 reduce 1x1 threads=2: 3 of 23 repeats differ from the first");
        assertThat(r.reason()).isEqualTo("1 shape/thread check(s) failed; first: r50 reduce 1x1 threads=2: 3 of 23 "
                + "repeats differ from the first");
    }

    @Test
    void aChildThatDiesIsACrashWithItsSignalAndWhereItDied() {
        IsaCheckResult r = ChildJvmIsaCheck.verdict("ALL", List.of("isa ALL", "shape r50 expand 1x1 threads=1 ok"), 134,
                "# An error report file ...", "C  [libtorch_cpu.so+0x5a1b2c3]  brg_blocking_t::est_eff_1x1()", 900);

        assertThat(r.outcome()).isEqualTo(IsaCheckResult.Outcome.CRASH);
        assertThat(r.reason()).isEqualTo("the child JVM died: exit code 134 (signal 6, SIGABRT: how the JVM ends after "
                + "a native crash), after r50 expand 1x1 threads=1 ok; problematic frame: "
                + "C  [libtorch_cpu.so+0x5a1b2c3]  brg_blocking_t::est_eff_1x1()");
        assertThat(ChildJvmIsaCheck.describeExit(137)).contains("signal 9", "OOM");
        assertThat(ChildJvmIsaCheck.describeExit(1)).isEqualTo("exit code 1");
        // a verdict line with the wrong exit code is not trusted either
        assertThat(ChildJvmIsaCheck.verdict("ALL", List.of("result PASS"), 1, null, null, 1).outcome())
                .isEqualTo(IsaCheckResult.Outcome.CRASH);
    }

    @Test
    void aRealChildThatDiesIsReportedAndTheCallerGoesOn() {
        IsaCheck check = new ChildJvmIsaCheck(Duration.ofMinutes(5), List.of("--simulate-exit", "134"));

        IsaCheckResult r = check.run("ALL");

        assertThat(r.outcome()).isEqualTo(IsaCheckResult.Outcome.CRASH);
        assertThat(r.reason()).startsWith("the child JVM died: exit code 134 (signal 6");
    }

    @Test
    void aChildThatPrintsNothingForTheStallTimeoutIsTakenForHungAndKilled() {
        IsaCheck check = new ChildJvmIsaCheck(Duration.ofSeconds(3), List.of("--simulate-hang"));

        IsaCheckResult r = check.run("ALL");

        assertThat(r.outcome()).isEqualTo(IsaCheckResult.Outcome.CRASH);
        assertThat(r.reason()).isEqualTo("the check printed nothing for 3 s (a hang counts as a failure)");
    }

    @Test
    void aRealChildRunsTheKernelsAndPasses() {
        // the plumbing, at the known-good cap (the uncapped kernels are what the check itself judges per machine)
        IsaCheck check = new ChildJvmIsaCheck(Duration.ofMinutes(10), List.of("--repeats", "2", "--threads", "1"));

        IsaCheckResult r = check.run("AVX");

        assertThat(r.outcome()).as(r.summary()).isEqualTo(IsaCheckResult.Outcome.PASS);
        assertThat(r.isa()).isEqualTo("AVX");
    }
}
