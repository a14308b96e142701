package io.hdkd.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The launcher's entry point: {@code bin/hdkd} runs this class. */
public final class Main {

    private static final String[] QUIET_LOGGERS = {"ai.djl.util.cuda.CudaUtils", "ai.djl.onnxruntime.engine.OrtEngine"};

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

    /** Like {@link #run(String...)}, writing the command's output and errors to the given writers. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        DjlSettings.applyOffline();
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured picocli command line, with hdkd's exit codes and one-line error messages. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HdkdCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ErrorHandler.Usage());
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        cl.setExecutionStrategy(parseResult -> {
            configureLogging(ErrorHandler.isVerbose(parseResult));
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cl;
    }

    /** WARN by default so DJL's INFO lines stay out of the output; DEBUG with --verbose. Logs go to stderr. */
    private static void configureLogging(boolean verbose) {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(verbose ? Level.DEBUG : Level.WARN);
            // logback.xml quietens DJL's "no CUDA" warnings; with --verbose show everything.
            for (String name : QUIET_LOGGERS) {
                ((Logger) LoggerFactory.getLogger(name)).setLevel(verbose ? null : Level.ERROR);
            }
        }
    }
}
