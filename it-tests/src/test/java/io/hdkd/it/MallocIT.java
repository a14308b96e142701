package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/hdkd's HDKD_MALLOC: jemalloc where installed (else one warning and glibc's), other values warned about. */
class MallocIT {

    @TempDir
    Path tmp;

    private static final String WARNING = "HDKD_MALLOC";

    @Test
    void jemallocIsUsedWhereInstalledAndAnythingElseIsNamed() throws Exception {
        Path dist = Hdkd.distribution();
        Map<String, String> base = Map.of("HDKD_ISA_CHECK", "off", "HDKD_CACHE_DIR", tmp.toString());
        boolean installed = Files.isRegularFile(Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"))
                || Files.isRegularFile(Path.of("/usr/lib/aarch64-linux-gnu/libjemalloc.so.2"))
                || Files.isRegularFile(Path.of("/usr/lib64/libjemalloc.so.2"))
                || Files.isRegularFile(Path.of("/usr/lib/libjemalloc.so.2"))
                || Files.isRegularFile(Path.of("/usr/local/lib/libjemalloc.so.2"));

        Hdkd.Result je = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "jemalloc"), "doctor");
        assertThat(je.code()).as(je.toString()).isZero();
        if (installed) {
            assertThat(je.err()).as(je.toString()).doesNotContain(WARNING);
        } else {
            assertThat(je.err()).contains("HDKD_MALLOC=jemalloc but no libjemalloc.so.2 found");
        }

        Hdkd.Result other = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "tcmalloc"), "doctor");
        assertThat(other.code()).as(other.toString()).isZero();
        assertThat(other.err()).contains("HDKD_MALLOC='tcmalloc' is not 'jemalloc' or 'system'");

        Hdkd.Result system = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "system"), "doctor");
        assertThat(system.code()).as(system.toString()).isZero();
        assertThat(system.err()).doesNotContain(WARNING);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> env = new java.util.HashMap<>(base);
        env.put(key, value);
        return env;
    }
}
