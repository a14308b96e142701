package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/gpu/check.sh against the assembled distribution, on the CPU (no GPU here; docs/GPU.md). */
class ScriptsIT {

    @TempDir
    Path tmp;

    @Test
    void theDeviceCheckTrainsDistilsAndEvaluatesOnTheCpu() throws Exception {
        Path dist = Hdkd.distribution();
        Path script = dist.resolve("../../../scripts/gpu/check.sh").normalize();

        Hdkd.Result r = Hdkd.process(List.of(script.toString(), "--device", "cpu", "--hdkd",
                dist.resolve("bin/hdkd").toString(), "--out", tmp.resolve("check").toString()), tmp,
                Map.of("JAVA_OPTS", "-Xmx1g -XX:TieredStopAtLevel=1"), Duration.ofMinutes(10));

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("teacher wall \\d+\\.\\d s").containsPattern("teacher median step_ms \\d+")
                .containsPattern("student median step_ms \\d+").containsPattern("eval wall \\d+\\.\\d s")
                .contains("check.sh: cpu OK");
    }

    @Test
    void aBadDeviceIsOneLineAndExit2() throws Exception {
        Path dist = Hdkd.distribution();
        Path script = dist.resolve("../../../scripts/gpu/check.sh").normalize();

        Hdkd.Result r = Hdkd.process(List.of(script.toString(), "--device", "tpu"), tmp, Map.of(),
                Duration.ofSeconds(30));

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("check.sh: error: --device must be cuda or cpu, not 'tpu'");
    }
}
