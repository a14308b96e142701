package io.hdkd.api;

/**
 * Bad input from the user: a configuration key or value, a data file, a plugin jar.
 *
 * <p>The message is one line that names the file, key or value and says what was expected; the launcher
 * prints it without a stack trace (unless {@code --verbose}) and exits with code 2. A message often quotes the user's
 * input (a key, a value, a name from a file), which may hold line breaks: every control character in it is written
 * as {@code \\uXXXX}, so that the message stays one line whatever it quotes.
 */
public class InvalidInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(oneLine(message));
    }

    public InvalidInputException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** The message with control characters escaped (the same rule as core's {@code Messages.printable}). */
    private static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(message.length() + 16).append(message, 0, i);
                }
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? message : b.toString();
    }
}
