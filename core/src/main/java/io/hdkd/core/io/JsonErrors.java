package io.hdkd.core.io;

/** Gson's parse errors as one line: its message carries the line, column and JSON path, then a help URL line. */
public final class JsonErrors {

    private JsonErrors() {}

    /** The first line of the exception's message (Gson appends "See https://..." on a second line). */
    public static String oneLine(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).trim();
    }
}
