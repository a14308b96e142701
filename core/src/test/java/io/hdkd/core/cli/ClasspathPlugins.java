package io.hdkd.core.cli;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Lets commands without {@code --plugins-dir} load the built-in plugins from the test class path, for the test class
 * that extends with it only (other tests check the "no plugins folder" message).
 */
final class ClasspathPlugins implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(PluginHost.CLASSPATH_PROPERTY, "true");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(PluginHost.CLASSPATH_PROPERTY);
    }
}
