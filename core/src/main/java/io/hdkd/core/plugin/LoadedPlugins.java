package io.hdkd.core.plugin;

import java.util.List;

/**
 * What loading plugins produced: the registry of everything that loaded, and the plugins that were refused (each
 * with a one-line reason naming its jar).
 */
public record LoadedPlugins(ComponentRegistry registry, List<PluginRefusal> refusals) {

    public LoadedPlugins {
        refusals = List.copyOf(refusals);
    }

    public boolean anyRefused() {
        return !refusals.isEmpty();
    }
}
