package io.hdkd.api;

/**
 * Bad input from the user: a configuration key or value, a data file, a plugin jar.
 *
 * <p>The message is one line that names the file, key or value and says what was expected; the launcher
 * prints it without a stack trace (unless {@code --verbose}) and exits with code 2.
 */
public class InvalidInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
