package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hdkd's HDKD_MALLOC: by default jemalloc where installed, else glibc's malloc tuned to keep freed memory; asked
 * for jemalloc where it is missing, one warning and the tuned glibc; other values warned about. The doctor's allocator
 * line says what is really loaded.
 */
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

        Hdkd.Result auto = Hdkd.run(dist, tmp, base, "doctor");
        assertThat(auto.code()).as(auto.toString()).isZero();
        assertThat(auto.err()).as(auto.toString()).doesNotContain(WARNING);
        assertThat(auto.out()).containsPattern(installed
                ? "allocator +jemalloc \\S*libjemalloc\\.so\\.2, MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 \\(bin/hdkd"
                        + " chose jemalloc for HDKD_MALLOC=auto\\)"
                : "allocator +the C library's malloc, GLIBC_TUNABLES=glibc\\.malloc\\.arena_max=1:.* \\(bin/hdkd chose"
                        + " glibc for HDKD_MALLOC=auto\\)");

        Hdkd.Result je = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "jemalloc"), "doctor");
        assertThat(je.code()).as(je.toString()).isZero();
        if (installed) {
            assertThat(je.err()).as(je.toString()).doesNotContain(WARNING);
            assertThat(je.out()).containsPattern("allocator +jemalloc ");
        } else {
            assertThat(je.err()).contains("HDKD_MALLOC=jemalloc but no libjemalloc.so.2 found");
            assertThat(je.out()).containsPattern("allocator +the C library's malloc, GLIBC_TUNABLES=glibc\\.malloc");
        }

        Hdkd.Result glibc = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "glibc"), "doctor");
        assertThat(glibc.code()).as(glibc.toString()).isZero();
        assertThat(glibc.err()).doesNotContain(WARNING);
        assertThat(glibc.out()).containsPattern("allocator +the C library's malloc, GLIBC_TUNABLES=glibc\\.malloc\\."
                + "arena_max=1:glibc\\.malloc\\.mmap_max=0:glibc\\.malloc\\.trim_threshold=\\d+ \\(bin/hdkd chose glibc");

        Hdkd.Result other = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "tcmalloc"), "doctor");
        assertThat(other.code()).as(other.toString()).isZero();
        assertThat(other.err()).contains("HDKD_MALLOC='tcmalloc' is not 'auto', 'jemalloc', 'glibc' or 'system'");

        Hdkd.Result system = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "system"), "doctor");
        assertThat(system.code()).as(system.toString()).isZero();
        assertThat(system.err()).doesNotContain(WARNING);
        assertThat(system.out()).containsPattern("allocator +the C library's malloc, GLIBC_TUNABLES=\\(unset: defaults\\)"
                + " \\(bin/hdkd chose system");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> env = new java.util.HashMap<>(base);
        env.put(key, value);
        return env;
    }
}
