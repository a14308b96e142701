package io.hdkd.core.pipeline;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.plugin.PluginManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run folder contract that {@code hdkd train} and {@code hdkd distill} share. */
class RunSessionTest {

    @Test
    void resumeChecksTheRecordedKeysAndAcceptsARunRecordedBeforeNewerSections(@TempDir Path run) throws Exception {
        ResolvedConfig config = new ConfigResolver(PluginManager.fromClasspath().registry(), Pipelines.schema())
                .resolve(Map.of("run.seed", "5", "train.lr", "0.02"));
        // A run recorded by an older hdkd: no teacher.* or distill.* keys.
        String older = config.asMap().entrySet().stream()
                .filter(e -> !e.getKey().startsWith("teacher.") && !e.getKey().startsWith("distill."))
                .map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining("\n"));
        Files.writeString(run.resolve("config.properties"), older + "\n");
        assertThatCode(() -> RunSession.prepareRunDir(run, config, true, false)).doesNotThrowAnyException();

        Files.writeString(run.resolve("config.properties"), older.replace("train.lr = 0.02", "train.lr = 0.5") + "\n");
        assertThatThrownBy(() -> RunSession.prepareRunDir(run, config, true, false))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("train.lr is '0.02' but the run in " + run + " was started with '0.5'");
        assertThatThrownBy(() -> RunSession.prepareRunDir(run, config, false, false))
                .hasMessageContaining("pass --resume to continue its run or --force to start over");
    }
}
