package io.hdkd.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hdkd backbone ...}: work with a backbone on its own. */
@Command(name = "backbone", description = "Run a backbone on its own (e.g. to compare its features with PyTorch's).",
        subcommands = {BackboneRunCommand.class})
public final class BackboneCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a backbone command: " + spec.subcommands().keySet());
    }
}
