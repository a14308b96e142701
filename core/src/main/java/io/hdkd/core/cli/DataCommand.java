package io.hdkd.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hdkd data ...}: make, check and inspect detection datasets. */
@Command(name = "data", description = "Make, check and inspect detection datasets.",
        subcommands = {DataSynthCommand.class, DataCheckCommand.class})
public final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a data command: " + spec.subcommands().keySet());
    }
}
