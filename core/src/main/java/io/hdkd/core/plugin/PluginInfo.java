package io.hdkd.core.plugin;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Who contributed a component: the plugin's name and version, the SPI version it was built for, and where it came
 * from (its entry in plugins/, or empty when it was found on the application classpath).
 */
public record PluginInfo(String name, String version, int spiVersion, Optional<Path> source) {

    public PluginInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
    }

    /** The source for listings and messages: the path, or {@code (classpath)}. */
    public String sourceText() {
        return source.map(Path::toString).orElse("(classpath)");
    }

    /** "plugin 'x' (path)" for messages. */
    public String describe() {
        return "plugin '" + name + "' (" + sourceText() + ")";
    }
}
