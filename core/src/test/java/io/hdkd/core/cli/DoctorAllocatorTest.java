package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hdkd doctor}'s allocator line: what is mapped into the process, with its settings, and who chose it. */
class DoctorAllocatorTest {

    @TempDir
    Path tmp;

    private Path maps(String... libraries) throws Exception {
        StringBuilder text = new StringBuilder("55d0c0000000-55d0c0001000 r--p 00000000 fd:01 1 /usr/bin/java\n");
        for (String lib : libraries) {
            text.append("7f0000000000-7f0000001000 r-xp 00000000 fd:01 2 ").append(lib).append('\n');
        }
        Path file = tmp.resolve("maps");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void namesALoadedJemallocWithItsSettingsAndTheLauncherChoice() throws Exception {
        String line = DoctorCommand.allocator(Map.of("HDKD_MALLOC_USED", "jemalloc", "HDKD_MALLOC", "jemalloc",
                "MALLOC_CONF", "narenas:1"),
                maps("/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"));
        assertThat(line).isEqualTo("jemalloc /usr/lib/x86_64-linux-gnu/libjemalloc.so.2, MALLOC_CONF=narenas:1 (bin/hdkd"
                + " chose jemalloc for HDKD_MALLOC=jemalloc)");
        assertThat(DoctorCommand.allocator(Map.of("HDKD_MALLOC_USED", "jemalloc", "HDKD_MALLOC", "jemalloc"),
                maps("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"))).contains("MALLOC_CONF=(unset: jemalloc's defaults)");
    }

    @Test
    void namesTheCLibraryWithItsTunablesAndSaysWhenJemallocWasChosenButIsNotLoaded() throws Exception {
        Path maps = maps("/usr/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(DoctorCommand.allocator(Map.of("HDKD_MALLOC_USED", "glibc", "HDKD_MALLOC", "glibc",
                "GLIBC_TUNABLES", "glibc.malloc.arena_max=1"), maps))
                .isEqualTo("the C library's malloc, GLIBC_TUNABLES=glibc.malloc.arena_max=1 (bin/hdkd chose glibc for"
                        + " HDKD_MALLOC=glibc)");
        assertThat(DoctorCommand.allocator(Map.of("HDKD_MALLOC_USED", "glibc"), maps)).endsWith("(bin/hdkd chose glibc,"
                + " HDKD_MALLOC unset)");
        assertThat(DoctorCommand.allocator(Map.of("HDKD_MALLOC_USED", "jemalloc"), maps)).endsWith("; NOT LOADED)");
        assertThat(DoctorCommand.allocator(Map.of(), maps))
                .isEqualTo("the C library's malloc, GLIBC_TUNABLES=(unset: defaults) (not started by bin/hdkd)");
        assertThat(DoctorCommand.allocator(Map.of(), tmp.resolve("absent"))).startsWith("unknown (");
    }
}
