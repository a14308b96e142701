package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Mixin;

/** The shared option mixins on their own: what they parse and what they check before a command does any work. */
class OptionMixinsTest {

    @TempDir
    Path dir;

    @Command(name = "writes-tensors")
    static final class WritesTensors {
        @Mixin
        TensorOutputArgs output;
    }

    @Command(name = "writes")
    static final class Writes {
        @Mixin
        OverwritePermission overwrite;
    }

    @Command(name = "configures")
    static final class Configures {
        @Mixin
        ConfigOverrides overrides;
    }

    @Command(name = "needs-run")
    static final class NeedsRun {
        @Mixin
        ModelRunArgs run;
    }

    @Command(name = "may-take-run")
    static final class MayTakeRun {
        @ArgGroup(exclusive = false)
        ModelRunArgs run;
    }

    /** Parses {@code args} into {@code command} as picocli does for hdkd's commands. */
    private static <T> T parse(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void tensorOutputNeedsATensorFileNameAndForceToReplaceAFile() throws IOException {
        Path npz = dir.resolve("feats.npz");
        assertThat(parse(new WritesTensors(), "--out", npz.toString()).output.checked()).isEqualTo(npz);

        Path txt = dir.resolve("feats.txt");
        assertThatThrownBy(() -> parse(new WritesTensors(), "--out", txt.toString()).output.checked())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(txt.toString());

        Files.writeString(npz, "old");
        assertThatThrownBy(() -> parse(new WritesTensors(), "--out", npz.toString()).output.checked())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--force");
        assertThat(parse(new WritesTensors(), "--out", npz.toString(), "--force").output.checked()).isEqualTo(npz);

        assertThatThrownBy(() -> parse(new WritesTensors())).isInstanceOf(MissingParameterException.class);
    }

    @Test
    void overwritePermissionRefusesANonEmptyFolderUnlessForced() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        Writes plain = parse(new Writes());
        plain.overwrite.check(out); // empty: nothing to lose
        Files.writeString(out.resolve("a.png"), "x");
        assertThat(plain.overwrite.granted()).isFalse();
        assertThatThrownBy(() -> plain.overwrite.check(out)).isInstanceOf(InvalidInputException.class)
                .hasMessage(out + " exists; pass --force to overwrite it");

        Writes forced = parse(new Writes(), "--force");
        assertThat(forced.overwrite.granted()).isTrue();
        forced.overwrite.check(out);
    }

    @Test
    void overridesGoOverTheFileInTheOrderGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("c.properties"), "a = 1\nb = 2\n");
        Configures c = parse(new Configures(), "--set", "b=3", "--set", "c = 4");
        assertThat(c.overrides.isEmpty()).isFalse();
        assertThat(c.overrides.arguments()).containsExactly("b=3", "c = 4");
        assertThat(c.overrides.keys()).containsExactly(Map.entry("b", "3"), Map.entry("c", "4"));
        assertThat(c.overrides.over(file)).containsExactly(Map.entry("a", "1"), Map.entry("b", "3"),
                Map.entry("c", "4"));

        Configures none = parse(new Configures());
        assertThat(none.overrides.isEmpty()).isTrue();
        assertThat(none.overrides.over(null)).isEmpty();
        assertThat(none.overrides.arguments()).isEqualTo(List.of());

        Configures bad = parse(new Configures(), "--set", "no-equals-sign");
        assertThatThrownBy(bad.overrides::keys).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no-equals-sign");
    }

    @Test
    void runIsRequiredAsAMixinAndOptionalAsAGroup() {
        assertThatThrownBy(() -> parse(new NeedsRun())).isInstanceOf(MissingParameterException.class)
                .hasMessageContaining("--run");
        assertThat(parse(new NeedsRun(), "--run", "r").run.folder()).isEqualTo(Path.of("r"));

        assertThat(parse(new MayTakeRun()).run).isNull();
        assertThat(parse(new MayTakeRun(), "--run", "r").run.folder()).isEqualTo(Path.of("r"));
    }

    @Test
    void aRunFolderWithoutAModelIsNamedBeforeAnyPluginLoads() throws IOException {
        Path missing = dir.resolve("missing");
        CommandLine missingCl = new CommandLine(new NeedsRun());
        missingCl.parseArgs("--run", missing.toString());
        NeedsRun m = missingCl.getCommand();
        assertThatThrownBy(() -> m.run.load(missingCl.getCommandSpec(), null))
                .isInstanceOf(InvalidInputException.class).hasMessage("--run " + missing + ": no such folder");

        Path unfinished = Files.createDirectory(dir.resolve("unfinished"));
        CommandLine unfinishedCl = new CommandLine(new NeedsRun());
        unfinishedCl.parseArgs("--run", unfinished.toString());
        NeedsRun u = unfinishedCl.getCommand();
        assertThatThrownBy(() -> u.run.load(unfinishedCl.getCommandSpec(), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("holds no trained model");
    }
}
