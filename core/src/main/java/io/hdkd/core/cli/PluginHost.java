package io.hdkd.core.cli;

import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.plugin.PluginRefusal;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Loads the plugins for a command and warns about refused ones on stderr, one line each.
 *
 * <p>Without {@code --plugins-dir}, the system property {@value #CLASSPATH_PROPERTY}{@code =true} loads the plugins
 * on the application classpath instead of a folder: for tests (core's test classpath holds the built-in plugins) and
 * for embedding hdkd in an application that bundles its plugins.
 */
final class PluginHost {

    /** When {@code true} (and no --plugins-dir is given), plugins come from the classpath. */
    static final String CLASSPATH_PROPERTY = "hdkd.plugins.classpath";

    private PluginHost() {}

    static Path pluginsDir(CommandSpec spec) {
        return ((HdkdCommand) spec.root().userObject()).pluginsDir();
    }

    static LoadedPlugins load(CommandSpec spec) {
        HdkdCommand root = (HdkdCommand) spec.root().userObject();
        LoadedPlugins loaded = root.pluginsDir == null && Boolean.getBoolean(CLASSPATH_PROPERTY)
                ? PluginManager.fromClasspath()
                : PluginManager.loadDirectory(pluginsDir(spec));
        PrintWriter err = spec.commandLine().getErr();
        for (PluginRefusal r : loaded.refusals()) {
            err.println("hdkd: warning: " + r.message());
        }
        err.flush();
        return loaded;
    }
}
