package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The root command. Subcommands are listed here; each is a class in this package (or a subpackage) implementing
 * {@code Callable<Integer>} and mixing in {@link Verbosity} for {@code --verbose}.
 */
@Command(
        name = "hdkd",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Distil large object detectors into small, fast ones (heterogeneous dark-knowledge distillation).",
        footer = {"", "Exit codes: 0 success; 1 failure (a bug, an engine or disk error); 2 bad usage or input (command line,",
            "configuration, data, plugin jars; 'hdkd plugins' also exits 2 when it refused a plugin)."},
        subcommands = {
            picocli.CommandLine.HelpCommand.class,
            PluginsCommand.class,
            ConfigCommand.class,
            DoctorCommand.class,
            IsaCheckCommand.class,
            BenchCommand.class,
            DataCommand.class,
            EvalCommand.class,
            ExportCommand.class,
            EvalCocoCommand.class,
            PredictCommand.class,
            TrainCommand.class,
            DistillCommand.class,
            QuickstartCommand.class,
            SweepCommand.class,
            WeightsCommand.class,
            BackboneCommand.class,
            ModelCommand.class,
        })
public final class HdkdCommand implements Runnable {

    /** The system property naming the plugins folder; bin/hdkd sets it. */
    public static final String PLUGINS_DIR_PROPERTY = "hdkd.plugins.dir";

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Verbosity verbosity;

    // INHERIT: accepted before or after the subcommand name; the value always lands in this field.
    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The plugins folder (default: the system property hdkd.plugins.dir, which bin/hdkd sets).")
    Path pluginsDir;

    /** The plugins folder: --plugins-dir, else the system property hdkd.plugins.dir. */
    Path pluginsDir() {
        if (pluginsDir != null) {
            return pluginsDir;
        }
        String prop = System.getProperty(PLUGINS_DIR_PROPERTY);
        if (prop == null || prop.isBlank()) {
            throw new InvalidInputException("no plugins folder: pass --plugins-dir DIR or set the system property "
                    + PLUGINS_DIR_PROPERTY + " (bin/hdkd sets it to the distribution's plugins/)");
        }
        return Path.of(prop);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }
}
