package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hdkd applies the oneDNN instruction-set decision before the JVM starts: from the decision file cached for this
 * machine (found by the key bin/hdkd computes in shell, which must be the one hdkd computes in Java), the user's own
 * ONEDNN_MAX_CPU_ISA winning, a corrupt file ignored with a warning; and, with nothing cached, it runs the check once.
 * The build's test runners pin ONEDNN_MAX_CPU_ISA (pom.xml); these tests clear it for bin/hdkd ("" counts as unset).
 */
class OneDnnIsaIT {

    private static final Pattern FILE = Pattern.compile("libtorch in (\\S+\\.env); capped");
    private static final Pattern MACHINE = Pattern.compile("(?m)^machine +(.+), (\\d+) processors$");
    private static final Pattern LIBTORCH = Pattern.compile("(?m)^libtorch +(\\S+) \\(");

    @TempDir
    static Path tmp;

    static Path dist;

    @BeforeAll
    static void locate() {
        dist = Hdkd.distribution();
    }

    private static Map<String, String> env(Path cache, String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put("HDKD_CACHE_DIR", cache.toString());
        env.put("ONEDNN_MAX_CPU_ISA", "");
        env.put("HDKD_ISA_CHECK", "off");
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void theCachedDecisionIsAppliedAndTheUsersSettingWins() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Hdkd.Result none = Hdkd.run(dist, tmp, env(cache), "doctor");
        assertThat(none.code()).as(none.toString()).isZero();
        assertThat(none.out())
                .contains("ONEDNN_MAX_CPU_ISA=AVX in this process (bin/hdkd's default: no usable decision cached");
        Matcher file = FILE.matcher(none.out());
        Matcher machine = MACHINE.matcher(none.out());
        Matcher libtorch = LIBTORCH.matcher(none.out());
        assertThat(file.find() && machine.find() && libtorch.find()).as(none.toString()).isTrue();
        Path decision = Path.of(file.group(1));
        assertThat(decision.getParent()).isEqualTo(cache.resolve("onednn-isa"));
        String key = "cpu=" + machine.group(1) + "\ncores=" + machine.group(2) + "\nlibtorch=" + libtorch.group(1)
                + "\n";
        Files.createDirectories(decision.getParent());

        Files.writeString(decision, "# fake\n" + key + "isa=ALL\nresult=PASS\nreason=\nchecked=2026-12-03T10:00:00Z\n");
        Hdkd.Result pass = Hdkd.run(dist, tmp, env(cache), "doctor");
        assertThat(pass.code()).as(pass.toString()).isZero();
        assertThat(pass.out())
                .contains("ONEDNN_MAX_CPU_ISA=ALL in this process (bin/hdkd, from this machine's decision file)")
                .containsPattern("onednn decision +ALL \\(cached in " + Pattern.quote(decision.toString()));
        assertThat(pass.err()).doesNotContain("warning");

        Files.writeString(decision, key + "isa=AVX\nresult=FAIL\nreason=fake failure of r50 reduce 1x1\n"
                + "checked=2026-12-03T10:00:00Z\n");
        Hdkd.Result fail = Hdkd.run(dist, tmp, env(cache), "doctor");
        assertThat(fail.out())
                .contains("ONEDNN_MAX_CPU_ISA=AVX in this process (bin/hdkd, from this machine's decision file)")
                .contains("fake failure of r50 reduce 1x1");

        Hdkd.Result user = Hdkd.run(dist, tmp, env(cache, "ONEDNN_MAX_CPU_ISA", "AVX2"), "doctor");
        assertThat(user.out()).contains("ONEDNN_MAX_CPU_ISA=AVX2 in this process (set by you)")
                .containsPattern("onednn decision +AVX2 \\(set by you");
    }

    @Test
    void aCorruptDecisionFileIsIgnoredWithOneWarning() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("corrupt"));
        Hdkd.Result none = Hdkd.run(dist, tmp, env(cache), "doctor");
        Matcher file = FILE.matcher(none.out());
        assertThat(file.find()).as(none.toString()).isTrue();
        Path decision = Path.of(file.group(1));
        Files.createDirectories(decision.getParent());
        Files.writeString(decision, "isa=$(touch " + tmp.resolve("pwned") + ")\n");

        Hdkd.Result r = Hdkd.run(dist, tmp, env(cache), "doctor");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err().lines().filter(l -> l.startsWith("hdkd: warning: ignoring the oneDNN decision file "
                + decision + ": "))).as(r.toString()).hasSize(1);
        assertThat(r.out()).contains("ONEDNN_MAX_CPU_ISA=AVX in this process (bin/hdkd's default: no usable decision");
        assertThat(tmp.resolve("pwned")).doesNotExist();
    }

    @Test
    void withNothingCachedTheFirstTrainingCommandRunsTheCheckOnce() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("first"));
        Map<String, String> env = env(cache);
        env.remove("HDKD_ISA_CHECK");

        Hdkd.Result first = Hdkd.run(dist, tmp, env, Duration.ofMinutes(20), "bench", "eval", "--images", "20",
                "--dets", "5", "--runs", "1");

        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.err()).contains("hdkd: first run on this machine and libtorch: checking oneDNN's "
                + "convolution kernels once").contains("oneDNN instruction set: ");
        Path dir = cache.resolve("onednn-isa");
        try (var files = Files.list(dir)) {
            Path decision = files.filter(p -> p.toString().endsWith(".env")).findFirst().orElseThrow();
            assertThat(Files.readString(decision)).containsPattern("(?m)^isa=(ALL|AVX2|AVX)$")
                    .containsPattern("(?m)^result=(PASS|FAIL|CRASH)$");
        }
        Hdkd.Result second = Hdkd.run(dist, tmp, env, Duration.ofMinutes(5), "bench", "eval", "--images", "20",
                "--dets", "5", "--runs", "1");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.err()).doesNotContain("checking oneDNN");
    }
}
