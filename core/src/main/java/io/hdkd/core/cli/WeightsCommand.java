package io.hdkd.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hdkd weights ...}: bring PyTorch (torchvision) backbone weights in and out of hdkd checkpoints. */
@Command(name = "weights", description = "Import torchvision backbone weights into hdkd checkpoints and export them back.",
        subcommands = {WeightsImportCommand.class, WeightsExportCommand.class})
public final class WeightsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a weights command: " + spec.subcommands().keySet());
    }
}
