package io.hdkd.core.cli;

import io.hdkd.api.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into one readable line and an exit code: {@link InvalidInputException} is the user's input (2),
 * anything else a failure (1). {@code --verbose} adds the stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        boolean verbose = isVerbose(parseResult);
        int code = exitCode(ex);
        String prefix = code == ExitCodes.BAD_INPUT ? "hdkd: error: " : "hdkd: failed: ";
        err.println(prefix + message(ex));
        if (verbose) {
            ex.printStackTrace(err);
        } else if (code == ExitCodes.FAILURE) {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return code;
    }

    /**
     * The out-of-memory line: the heap limit, how to raise it ({@code JAVA_OPTS}) and what to shrink. Built from
     * constants and one number, so that it can be printed when the heap is exhausted.
     */
    static String outOfMemory() {
        long mb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        return "out of memory: the JVM's heap limit is " + mb + " MB; give it more with JAVA_OPTS=-Xmx8g (bin/hdkd "
                + "passes JAVA_OPTS to java), or shrink the work: data.loader.batch-size, data.loader.size, "
                + "data.loader.workers, data.loader.prefetch or the model's width";
    }

    static boolean isOutOfMemory(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            // A class whose initialiser ran out of memory fails later as NoClassDefFoundError, naming the OOM only
            // in its cause's message.
            if (t instanceof OutOfMemoryError
                    || (t instanceof LinkageError && String.valueOf(t.getMessage()).contains("OutOfMemoryError"))) {
                return true;
            }
        }
        return false;
    }

    static int exitCode(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException || t instanceof ParameterException) {
                return ExitCodes.BAD_INPUT;
            }
        }
        return ExitCodes.FAILURE;
    }

    /** The innermost user-facing message, else the exception's own message, else its class. */
    static String message(Throwable ex) {
        if (isOutOfMemory(ex)) {
            return outOfMemory();
        }
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException) {
                return t.getMessage();
            }
        }
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getName() : m.replace('\n', ' ');
    }

    static boolean isVerbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Usage errors (unknown option, missing parameter): one line, a hint, exit 2. */
    static final class Usage implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("hdkd: error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("(see '" + cl.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
    }
}
