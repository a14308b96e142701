package io.hdkd.core.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin: child-first, so a plugin can bundle its own versions of libraries, except for a
 * short list of packages the host must share (the SPI, DJL, Guice and its Guava types, javax/jakarta.inject, SLF4J
 * and the JDK). DJL must be shared because arrays and blocks cross the SPI and its JNI library binds to one loader.
 */
public final class PluginClassLoader extends URLClassLoader {

    /** Class name prefixes always loaded from the host (parent-first). */
    public static final List<String> PARENT_FIRST = List.of(
            "java.",
            "javax.",
            "jdk.",
            "sun.",
            "io.hdkd.api.",
            "ai.djl.",
            "com.google.inject.",
            "com.google.common.",
            "jakarta.inject.",
            "org.slf4j.");

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final String pluginName;

    public PluginClassLoader(String pluginName, List<URL> urls, ClassLoader parent) {
        super("hdkd-plugin-" + pluginName, urls.toArray(new URL[0]), parent);
        this.pluginName = pluginName;
    }

    /** The plugins/ entry this loader was made for. */
    public String pluginName() {
        return pluginName;
    }

    static boolean isParentFirst(String className) {
        for (String prefix : PARENT_FIRST) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** A resource path such as {@code ai/djl/engine.properties} checked against the class prefixes. */
    static boolean isParentFirstResource(String name) {
        return isParentFirst(name.replace('/', '.'));
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (isParentFirst(name)) {
                    c = getParent().loadClass(name);
                } else {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = getParent().loadClass(name);
                    }
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        if (isParentFirstResource(name)) {
            return getParent().getResource(name);
        }
        URL url = findResource(name);
        return url != null ? url : getParent().getResource(name);
    }

    /**
     * The plugin's own resources first, then the host's. Note that a ServiceLoader on this loader therefore also sees
     * the host's service entries; {@link PluginManager} keeps only providers this loader defined.
     */
    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>();
        if (!isParentFirstResource(name)) {
            all.addAll(Collections.list(findResources(name)));
        }
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }
}
