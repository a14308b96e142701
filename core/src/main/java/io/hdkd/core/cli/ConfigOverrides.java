package io.hdkd.core.cli;

import io.hdkd.core.config.ConfigFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --set KEY=VALUE} (repeatable): configuration keys given on the command line, the highest layer of a
 * configuration. Mixed into every command (and option mixin) that resolves a configuration.
 */
final class ConfigOverrides {

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a key, e.g. model.backbone.width=0.25 (repeatable).")
    List<String> sets = new ArrayList<>();

    /** True if no --set was given. */
    boolean isEmpty() {
        return sets.isEmpty();
    }

    /** The arguments as given, for commands that pass them on (sweep's child runs). */
    List<String> arguments() {
        return List.copyOf(sets);
    }

    /** The keys alone, parsed; a malformed argument is bad input. */
    Map<String, String> keys() {
        return ConfigFiles.overrides(sets);
    }

    /** The keys of {@code file} (none if null) with these on top. */
    Map<String, String> over(Path file) {
        return ConfigFiles.layered(file, sets);
    }
}
