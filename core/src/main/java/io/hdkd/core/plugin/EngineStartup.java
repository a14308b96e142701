package io.hdkd.core.plugin;

import ai.djl.engine.Engine;

/**
 * Starts DJL's default engine with the host's class loader, before any plugin runs: DJL finds engines through the
 * context class loader and binds its native library to one loader. A missing or broken native library becomes one
 * readable line.
 */
public final class EngineStartup {

    private EngineStartup() {}

    /**
     * @return the default engine
     * @throws EngineUnavailableException if it cannot be loaded
     */
    public static Engine initialise() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EngineStartup.class.getClassLoader());
        try {
            return Engine.getInstance();
        } catch (RuntimeException | LinkageError e) {
            String engine;
            try {
                engine = Engine.getDefaultEngineName();
            } catch (RuntimeException | LinkageError ignored) {
                engine = "default";
            }
            throw new EngineUnavailableException("cannot load the native library of DJL's " + engine + " engine ("
                    + PluginManager.rootMessage(e) + "); the distribution bundles it in lib/ (check PYTORCH_* "
                    + "environment variables and DJL_CACHE_DIR)", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** An engine's native library could not be found or loaded: a failure of the installation (exit code 1). */
    public static final class EngineUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public EngineUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
