package io.hdkd.core.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: stack traces on errors and debug logging. Mix into every command. */
public final class Verbosity {

    @Option(names = "--verbose", description = "Print stack traces on errors and more log detail.")
    boolean verbose;

    public boolean verbose() {
        return verbose;
    }
}
