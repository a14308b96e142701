package io.hdkd.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hdkd config ...}: work with configuration files. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check and print configurations.",
        subcommands = {ConfigCheckCommand.class})
public final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a config command: " + spec.subcommands().keySet());
    }
}
