package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --launcher slurm} where no Slurm answers, on any machine: bin/hdkd with a PATH that holds no Slurm tools, and
 * one whose squeue cannot reach its controller. One line naming the cause, exit 2, nothing submitted.
 */
class SlurmUnreachableIT {

    @TempDir
    static Path tmp;

    static Path dist;

    /** A PATH with only what bin/hdkd itself needs (bash, dirname, readlink); java comes from JAVA_HOME. */
    static Path bare;

    @BeforeAll
    static void paths() throws Exception {
        dist = Hdkd.distribution();
        bare = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : new String[] {"bash", "dirname", "readlink"}) {
            for (String dir : new String[] {"/usr/bin", "/bin"}) {
                if (Files.isExecutable(Path.of(dir, tool))) {
                    // a wrapper, not a link: the temporary folder is deleted without warnings about links
                    Path wrapper = Files.writeString(bare.resolve(tool), "#!/bin/sh\nexec " + Path.of(dir, tool)
                            + " \"$@\"\n");
                    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
                    break;
                }
            }
        }
    }

    private Hdkd.Result sweep(Path path, String out) throws Exception {
        return Hdkd.run(dist, dist, Map.of("PATH", path.toString(), "JAVA_HOME", System.getProperty("java.home")),
                "sweep", "--config", "conf/tiny.properties", "--grid", "train.lr=0.01,0.02", "--launcher", "slurm",
                "--out", tmp.resolve(out).toString());
    }

    @Test
    void noSlurmToolsOnThePath() throws Exception {
        Hdkd.Result r = sweep(bare, "none");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("hdkd: error: --launcher slurm: cannot run squeue (")
                .endsWith("is Slurm installed on this machine?").doesNotContain("\n");
        assertThat(tmp.resolve("none/slurm")).doesNotExist();
    }

    @Test
    void aControllerThatDoesNotAnswer() throws Exception {
        Path fake = Files.createDirectories(tmp.resolve("fake-slurm"));
        Path squeue = Files.writeString(fake.resolve("squeue"), "#!/bin/sh\necho 'squeue: error: slurm_load_jobs "
                + "error: Unable to contact slurm controller (connect failure)' >&2\nexit 1\n");
        Files.setPosixFilePermissions(squeue, PosixFilePermissions.fromString("rwxr-xr-x"));
        Hdkd.Result r = sweep(Path.of(fake + ":" + bare), "down");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("hdkd: error: --launcher slurm: Slurm does not answer: squeue: "
                + "slurm_load_jobs error: Unable to contact slurm controller (connect failure)");
        assertThat(tmp.resolve("down/slurm")).doesNotExist();
    }
}
