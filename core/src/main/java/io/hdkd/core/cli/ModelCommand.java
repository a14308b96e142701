package io.hdkd.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hdkd model ...}: inspect the detector a configuration describes. */
@Command(name = "model", description = "Inspect the detector a configuration describes.",
        subcommands = {ModelSummaryCommand.class})
public final class ModelCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a model command: " + spec.subcommands().keySet());
    }
}
