package io.hdkd.core.io;

/**
 * Gson's parse errors as one line: its message carries the line, column and JSON path, then a help URL line. The path
 * quotes the input's keys, which may hold line breaks (Gson accepts raw control characters in a key).
 */
public final class JsonErrors {

    private JsonErrors() {}

    /** The message without Gson's trailing "See https://..." line, control characters escaped. */
    public static String oneLine(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int help = m.lastIndexOf("\nSee https://");
        return Messages.printable((help >= 0 ? m.substring(0, help) : m).trim());
    }
}
