package io.hdkd.core.cli;

import picocli.CommandLine;

/** The launcher's entry point: {@code bin/hdkd} runs this class. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (see {@link ExitCodes}); used by tests too. */
    public static int run(String... args) {
        DjlSettings.applyOffline();
        // Images are drawn and decoded off-screen; never try to reach a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        return commandLine().execute(args);
    }

    /** The configured picocli command line, with hdkd's exit codes and one-line error messages. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HdkdCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ErrorHandler.Usage());
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        return cl;
    }
}
