package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hdkd's HDKD_MALLOC: by default glibc's malloc tuned to keep freed memory (one arena, no mmap, no trimming);
 * jemalloc where asked for and installed (asked for where it is missing: one warning and the tuned glibc); the
 * system's malloc untouched; other values warned about. The doctor's allocator line says what is really loaded.
 */
class MallocIT {

    @TempDir
    Path tmp;

    private static final String WARNING = "HDKD_MALLOC";

    @Test
    void glibcTunedByDefaultJemallocWhereAskedAndAnythingElseNamed() throws Exception {
        Path dist = Hdkd.distribution();
        Map<String, String> base = Map.of("HDKD_ISA_CHECK", "off", "HDKD_CACHE_DIR", tmp.toString());
        boolean installed = Files.isRegularFile(Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"))
                || Files.isRegularFile(Path.of("/usr/lib/aarch64-linux-gnu/libjemalloc.so.2"))
                || Files.isRegularFile(Path.of("/usr/lib64/libjemalloc.so.2"))
                || Files.isRegularFile(Path.of("/usr/lib/libjemalloc.so.2"))
                || Files.isRegularFile(Path.of("/usr/local/lib/libjemalloc.so.2"));

        String tuned = "allocator +the C library's malloc, GLIBC_TUNABLES=glibc\\.malloc\\.arena_max=1:glibc\\.malloc\\."
                + "mmap_max=0:glibc\\.malloc\\.trim_threshold=\\d+ \\(bin/hdkd chose glibc";
        Hdkd.Result byDefault = Hdkd.run(dist, tmp, base, "doctor");
        assertThat(byDefault.code()).as(byDefault.toString()).isZero();
        assertThat(byDefault.err()).as(byDefault.toString()).doesNotContain(WARNING);
        assertThat(byDefault.out()).containsPattern(tuned + ", HDKD_MALLOC unset\\)");

        Hdkd.Result je = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "jemalloc"), "doctor");
        assertThat(je.code()).as(je.toString()).isZero();
        if (installed) {
            assertThat(je.err()).as(je.toString()).doesNotContain(WARNING);
            assertThat(je.out()).containsPattern("allocator +jemalloc \\S*libjemalloc\\.so\\.2, MALLOC_CONF=");
        } else {
            assertThat(je.err()).contains("HDKD_MALLOC=jemalloc but no libjemalloc.so.2 found");
            assertThat(je.out()).containsPattern(tuned + " for HDKD_MALLOC=jemalloc\\)");
        }

        Hdkd.Result glibc = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "glibc"), "doctor");
        assertThat(glibc.code()).as(glibc.toString()).isZero();
        assertThat(glibc.err()).doesNotContain(WARNING);
        assertThat(glibc.out()).containsPattern(tuned + " for HDKD_MALLOC=glibc\\)");

        Hdkd.Result other = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "tcmalloc"), "doctor");
        assertThat(other.code()).as(other.toString()).isZero();
        assertThat(other.err()).contains("HDKD_MALLOC='tcmalloc' is not 'glibc', 'jemalloc' or 'system'");

        Hdkd.Result system = Hdkd.run(dist, tmp, with(base, "HDKD_MALLOC", "system"), "doctor");
        assertThat(system.code()).as(system.toString()).isZero();
        assertThat(system.err()).doesNotContain(WARNING);
        assertThat(system.out()).containsPattern("allocator +the C library's malloc, GLIBC_TUNABLES=\\(unset: defaults\\)"
                + " \\(bin/hdkd chose system for HDKD_MALLOC=system\\)");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> env = new java.util.HashMap<>(base);
        env.put(key, value);
        return env;
    }
}
