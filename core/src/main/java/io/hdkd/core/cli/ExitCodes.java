package io.hdkd.core.cli;

/** The launcher's exit codes. */
public final class ExitCodes {

    /** The command did what it was asked. */
    public static final int OK = 0;
    /** Something failed while running (a bug, an engine error, a disk error). */
    public static final int FAILURE = 1;
    /** Bad usage or bad input: command line, configuration, data, plugin jars, files. */
    public static final int BAD_INPUT = 2;

    private ExitCodes() {}
}
