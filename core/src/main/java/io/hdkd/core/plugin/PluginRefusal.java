package io.hdkd.core.plugin;

import java.util.Objects;

/**
 * A plugin the host did not load, and why: one line that names the jar (or folder) so the user can remove or fix
 * it. The other plugins load regardless.
 *
 * @param source the jar or folder in plugins/, or a class name for a classpath plugin
 * @param reason what is wrong with it, one line
 */
public record PluginRefusal(String source, String reason) {

    public PluginRefusal {
        Objects.requireNonNull(source, "source");
        reason = Objects.requireNonNull(reason, "reason").replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    /** The line printed to the user, e.g. {@code refused plugin /opt/hdkd/plugins/x.jar: not a readable jar (...)}. */
    public String message() {
        return "refused plugin " + source + ": " + reason;
    }

    @Override
    public String toString() {
        return message();
    }
}
