package io.hdkd.core.cli;

import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.plugin.PluginRefusal;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** Loads the plugins for a command and warns about refused ones on stderr, one line each. */
final class PluginHost {

    private PluginHost() {}

    static Path pluginsDir(CommandSpec spec) {
        return ((HdkdCommand) spec.root().userObject()).pluginsDir();
    }

    static LoadedPlugins load(CommandSpec spec) {
        LoadedPlugins loaded = PluginManager.loadDirectory(pluginsDir(spec));
        PrintWriter err = spec.commandLine().getErr();
        for (PluginRefusal r : loaded.refusals()) {
            err.println("hdkd: warning: " + r.message());
        }
        err.flush();
        return loaded;
    }
}
