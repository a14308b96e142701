package io.hdkd.core.cli;

/**
 * Process-wide DJL settings the launcher applies before any engine loads: no network (natives come from the bundled
 * {@code pytorch-native-cpu} jar) and no usage tracking.
 */
public final class DjlSettings {

    private DjlSettings() {}

    public static void applyOffline() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("offline", "true");
        // DJL reads this as an environment variable or a system property.
        setIfAbsent("OPT_OUT_TRACKING", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
