package io.hdkd.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneDnnIsaTest {

    private static final MachineKey KEY = new MachineKey("AMD EPYC", 2, "cpu-2.7.1");

    @TempDir
    Path cache;

    private final List<String> warnings = new ArrayList<>();
    private final List<String> checked = new ArrayList<>();

    private Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put(OneDnnIsa.CACHE_DIR_ENV, cache.toString());
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    /** A check that fails (or crashes) for the given instruction sets and passes the others. */
    private IsaCheck check(Set<String> failing, IsaCheckResult.Outcome how) {
        return isa -> {
            checked.add(isa);
            if (failing.contains(isa)) {
                return new IsaCheckResult(how, isa, "r50 reduce 1x1 threads=2: input gradient differs",
                        List.of("r50 reduce 1x1 threads=2: input gradient differs"), 1500);
            }
            return new IsaCheckResult(IsaCheckResult.Outcome.PASS, isa, "", List.of(), 1200);
        };
    }

    private OneDnnIsa.Decision decide(Map<String, String> env, IsaCheck check, boolean recheck) {
        return OneDnnIsa.decide(env, KEY, check, recheck, warnings::add, r -> { });
    }

    @Test
    void aPassingCheckLiftsTheCapAndIsCachedForThisMachine() {
        OneDnnIsa.Decision d = decide(env(), check(Set.of(), null), false);

        assertThat(d.isa()).isEqualTo("ALL");
        assertThat(d.source()).isEqualTo(OneDnnIsa.Source.CHECK);
        assertThat(d.file()).isEqualTo(cache.resolve("onednn-isa/cpu-2.7.1_2cpu_AMD_EPYC.env"));
        assertThat(checked).containsExactly("ALL");
        OneDnnIsa.Cached c = OneDnnIsa.read(d.file(), KEY, warnings::add).orElseThrow();
        assertThat(c.isa()).isEqualTo("ALL");
        assertThat(c.result()).isEqualTo("PASS");
        assertThat(c.seconds()).isEqualTo(1.2);
        assertThat(warnings).isEmpty();
    }

    @Test
    void anInjectedFailureCapsAndTheCapIsWhatLaterRunsGet() throws IOException {
        OneDnnIsa.Decision d = decide(env(), check(Set.of("ALL", "AVX2"), IsaCheckResult.Outcome.FAIL), false);

        assertThat(d.isa()).isEqualTo("AVX");
        assertThat(checked).containsExactly("ALL", "AVX2");
        assertThat(d.reason()).contains("FAIL with ONEDNN_MAX_CPU_ISA=ALL", "r50 reduce 1x1", "capped at AVX");
        String file = Files.readString(d.file());
        assertThat(file).contains("isa=AVX\n", "result=FAIL\n", "cpu=AMD EPYC\n", "cores=2\n", "libtorch=cpu-2.7.1\n");

        // later: the cached cap, no check run
        checked.clear();
        OneDnnIsa.Decision again = decide(env(), check(Set.of(), null), false);
        assertThat(again.isa()).isEqualTo("AVX");
        assertThat(again.source()).isEqualTo(OneDnnIsa.Source.CACHE);
        assertThat(checked).isEmpty();
        assertThat(OneDnnIsa.current(env(), KEY, warnings::add).isa()).isEqualTo("AVX");
        assertThat(OneDnnIsa.forChildren(env())).isEqualTo(OneDnnIsa.current(env(), MachineKey.current(),
                warnings::add).isa());
    }

    @Test
    void aFailureOfTheUncappedKernelsAloneFallsBackToAvx2() {
        OneDnnIsa.Decision d = decide(env(), check(Set.of("ALL"), IsaCheckResult.Outcome.FAIL), false);

        assertThat(d.isa()).isEqualTo("AVX2");
        assertThat(d.reason()).contains("FAIL with ONEDNN_MAX_CPU_ISA=ALL", "PASS with ONEDNN_MAX_CPU_ISA=AVX2");
    }

    @Test
    void aCrashedCheckCaps() {
        OneDnnIsa.Decision d = decide(env(), check(Set.of("ALL", "AVX2"), IsaCheckResult.Outcome.CRASH), false);

        assertThat(d.isa()).isEqualTo("AVX");
        assertThat(OneDnnIsa.read(d.file(), KEY, warnings::add).orElseThrow().result()).isEqualTo("CRASH");
    }

    @Test
    void theUsersOwnSettingAlwaysWinsAndRunsNothing() {
        OneDnnIsa.Decision d = decide(env(OneDnnIsa.ENV, "AVX512_CORE"), check(Set.of("ALL"),
                IsaCheckResult.Outcome.FAIL), false);

        assertThat(d.isa()).isEqualTo("AVX512_CORE");
        assertThat(d.source()).isEqualTo(OneDnnIsa.Source.USER);
        assertThat(checked).isEmpty();
        assertThat(cache.resolve("onednn-isa")).doesNotExist();
        assertThat(OneDnnIsa.current(env(OneDnnIsa.ENV, "AVX2"), KEY, warnings::add).isa()).isEqualTo("AVX2");
        assertThat(OneDnnIsa.forChildren(env(OneDnnIsa.ENV, "SSE41"))).isEqualTo("SSE41");

        // --recheck runs and caches the check, but the user's setting still wins for this process
        OneDnnIsa.Decision re = decide(env(OneDnnIsa.ENV, "AVX"), check(Set.of(), null), true);
        assertThat(re.isa()).isEqualTo("AVX");
        assertThat(re.source()).isEqualTo(OneDnnIsa.Source.USER);
        assertThat(re.reason()).contains("wins over the check's ALL");
        assertThat(checked).containsExactly("ALL");
    }

    @Test
    void aValueBinHdkdSetFromTheCacheIsNotTheUsers() {
        decide(env(), check(Set.of(), null), false);
        checked.clear();

        OneDnnIsa.Decision d = decide(env(OneDnnIsa.ENV, "ALL", OneDnnIsa.SOURCE_ENV, "cache"),
                check(Set.of(), null), false);

        assertThat(d.source()).isEqualTo(OneDnnIsa.Source.CACHE);
        assertThat(checked).isEmpty();
    }

    @Test
    void nothingCachedMeansTheSafeCapWithoutACheck() {
        OneDnnIsa.Decision d = OneDnnIsa.current(env(), KEY, warnings::add);

        assertThat(d.isa()).isEqualTo("AVX");
        assertThat(d.source()).isEqualTo(OneDnnIsa.Source.DEFAULT);
        assertThat(d.reason()).contains("no usable decision", "hdkd isa-check");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aCorruptDecisionFileIsTreatedAsAbsentWithOneWarningAndReplaced() throws IOException {
        Path file = OneDnnIsa.decisionFile(env(), KEY);
        Files.createDirectories(file.getParent());
        for (String content : List.of("\u0000\u0001garbage", "cpu=AMD EPYC\ncores=2\nlibtorch=cpu-2.7.1\nresult=PASS\n",
                "cpu=AMD EPYC\ncores=2\nlibtorch=cpu-2.7.1\nresult=PASS\nisa=ALL; rm -rf /\n")) {
            Files.writeString(file, content);
            warnings.clear();
            checked.clear();

            OneDnnIsa.Decision d = decide(env(), check(Set.of(), null), false);

            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).startsWith("ignoring the oneDNN decision file " + file + ": ");
            assertThat(checked).containsExactly("ALL");
            assertThat(d.isa()).isEqualTo("ALL");
            assertThat(OneDnnIsa.read(file, KEY, w -> { }).orElseThrow().isa()).isEqualTo("ALL");
        }
    }

    @Test
    void aFileWrittenForAnotherMachineIsNotUsed() throws IOException {
        MachineKey other = new MachineKey("Intel(R) Xeon(R)", 2, "cpu-2.7.1");
        Path file = OneDnnIsa.decisionFile(env(), KEY);
        OneDnnIsa.write(file, other, new OneDnnIsa.Cached("ALL", "PASS", "", "2026-12-03T10:00:00Z", 1));

        assertThat(OneDnnIsa.read(file, KEY, warnings::add)).isEmpty();
        assertThat(warnings).singleElement().asString().contains("Intel(R) Xeon(R)", "not this AMD EPYC");
        // and a decision for one libtorch is not another's
        MachineKey cuda = new MachineKey("AMD EPYC", 2, "cu124-2.7.1");
        decide(env(), check(Set.of("ALL", "AVX2"), IsaCheckResult.Outcome.FAIL), false);
        assertThat(OneDnnIsa.current(env(), cuda, warnings::add).source()).isEqualTo(OneDnnIsa.Source.DEFAULT);
    }

    @Test
    void recheckRunsAgainOverACachedDecision() {
        decide(env(), check(Set.of("ALL", "AVX2"), IsaCheckResult.Outcome.FAIL), false);
        checked.clear();

        OneDnnIsa.Decision d = decide(env(), check(Set.of(), null), true);

        assertThat(checked).containsExactly("ALL");
        assertThat(d.isa()).isEqualTo("ALL");
        assertThat(OneDnnIsa.current(env(), KEY, warnings::add).isa()).isEqualTo("ALL");
    }

    @Test
    void theDecisionFileIsWrittenAtomicallyAndLeavesNoTemporaryBehind() throws IOException {
        decide(env(), check(Set.of(), null), false);

        try (var files = Files.list(cache.resolve("onednn-isa"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("cpu-2.7.1_2cpu_AMD_EPYC.env");
        }
    }
}
