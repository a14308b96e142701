package io.hdkd.core.io;

import java.util.Locale;

/** Helpers for the one-line messages of {@link io.hdkd.api.InvalidInputException}. */
public final class Messages {

    private Messages() {}

    /**
     * The text with every control character (line breaks included) written as {@code \\uXXXX}, so that a message
     * quoting the user's input (a JSON key, a file name, a configured name) stays one line.
     */
    public static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
