package io.hdkd.api;

import com.google.inject.Module;

/**
 * The ServiceLoader entry point of a plugin, listed in {@code META-INF/services/io.hdkd.api.HdkdPlugin}.
 *
 * <p>A plugin names itself, says which SPI version it was compiled against and contributes one Guice
 * {@link Module} that registers its component factories through {@link Components}. The host creates the
 * module inside the plugin's own class loader; a module that throws refuses that plugin only.
 */
public interface HdkdPlugin {

    /**
     * The SPI version of this api jar. Being a compile-time constant, it is inlined into a plugin's class
     * when the plugin returns it from {@link #spiVersion()}, so the host sees what the plugin was built for.
     *
     * <p>Version 2 added, all additively (default methods, optional record components with the old constructors
     * kept): scored teacher boxes in {@link ImageTargets}, the student head, raw outputs, teacher detections and
     * training progress in {@link DistillationInput}, {@link DetectorHead#acceptsSoftTargets()},
     * {@link DistillationLoss#needsTeacherDetections()}, soft focal loss for heads, option ranges and declared
     * checks, and ONNX export of blocks. See docs/SPI.md for the compatibility policy.
     */
    int SPI_VERSION = 2;

    /**
     * The oldest SPI version this api still accepts: a plugin built against any version from this one up to
     * {@link #SPI_VERSION} loads, because every change since then was additive (docs/SPI.md). Raised only when a
     * change removes or alters something an older plugin may call or implement.
     */
    int MIN_SPI_VERSION = 1;

    /** A short, unique, lower-case name, e.g. {@code kmeans}. */
    String name();

    /** The plugin's own version, free-form (e.g. {@code 0.1.0}). */
    String version();

    /** The SPI version the plugin was built against; implementations return {@link #SPI_VERSION}. */
    int spiVersion();

    /** The module that registers this plugin's factories, typically {@code binder -> Components.in(binder).backbone(...)}. */
    Module module();
}
