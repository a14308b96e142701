package io.hdkd.core.cli;

import picocli.CommandLine.Command;
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
        subcommands = {
            picocli.CommandLine.HelpCommand.class,
            BenchCommand.class,
            DataCommand.class,
            EvalCocoCommand.class,
        })
public final class HdkdCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Verbosity verbosity;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }
}
