package io.hdkd.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The launcher's entry point: {@code bin/hdkd} runs this class. */
public final class Main {

    private static final String[] QUIET_LOGGERS = {"ai.djl.util.cuda.CudaUtils", "ai.djl.onnxruntime.engine.OrtEngine"};

    /** Whether the running command line asked for --verbose (read by the uncaught-exception handler). */
    private static volatile boolean verbose;

    private Main() {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (Throwable e) {
            // An Error picocli does not handle (out of memory while starting up or inside a command): one line too.
            System.err.println("hdkd: failed: " + (ErrorHandler.isOutOfMemory(e) ? ErrorHandler.outOfMemory()
                    : ErrorHandler.message(e)));
            if (verbose) {
                e.printStackTrace();
            }
            code = ExitCodes.FAILURE;
        }
        System.exit(code);
    }

    /**
     * Process-wide settings every command needs. ImageIO's disk cache is off: images are small and in memory, and the
     * cache's temporary files fail on a full disk and make its shutdown hook ({@code StreamCloser}) throw a
     * NullPointerException after hdkd's own error line. Any other exception that escapes a thread becomes one
     * {@code hdkd: failed:} line instead of a stack trace (with {@code --verbose} the trace follows).
     */
    static void configureProcess() {
        javax.imageio.ImageIO.setUseCache(false);
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
    }

    private static void uncaught(Thread thread, Throwable e) {
        String message = e instanceof OutOfMemoryError ? ErrorHandler.outOfMemory() : ErrorHandler.message(e);
        System.err.println("hdkd: failed: in thread " + thread.getName() + ": " + message);
        if (verbose) {
            e.printStackTrace();
        }
    }

    /** Runs the command line and returns its exit code (see {@link ExitCodes}); used by tests too. */
    public static int run(String... args) {
        DjlSettings.applyOffline();
        configureProcess();
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
            verbose = ErrorHandler.isVerbose(parseResult);
            configureLogging(verbose);
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
