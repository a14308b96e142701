package com.example.fcos;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;

/**
 * The plugin's entry point, listed in {@code META-INF/services/io.hdkd.api.HdkdPlugin}: contributes the head selected
 * by {@code model.head.type = fcos}.
 */
public final class FcosPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "fcos-example";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public int spiVersion() {
        // A compile-time constant: the host sees the SPI version this jar was built against.
        return SPI_VERSION;
    }

    @Override
    public Module module() {
        return binder -> Components.in(binder).head(new FcosHeadFactory());
    }
}
