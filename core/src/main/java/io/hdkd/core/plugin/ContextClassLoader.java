package io.hdkd.core.plugin;

import java.util.function.Supplier;

/**
 * Runs code with a plugin's class loader as the thread's context class loader. Libraries inside a plugin (DJL
 * included) look things up through the context loader, so every call from the host into a plugin goes through here.
 */
public final class ContextClassLoader {

    private ContextClassLoader() {}

    public static <T> T call(ClassLoader loader, Supplier<T> body) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return body.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
