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
 * <p>With the system property {@value #CLASSPATH_PROPERTY}{@code =true} and no {@code --plugins-dir}, the plugins come
 * from the class path instead of a folder: core's tests have the built-in plugins on their class path, not in a folder.
 */
final class PluginHost {

    /** The system property that makes commands without {@code --plugins-dir} load plugins from the class path. */
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
