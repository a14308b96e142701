package io.hdkd.spi1;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;

/** A third-party plugin as it was written and compiled against the SPI-1 api (hdkd commit 53b17cf). */
public final class Spi1Plugin implements HdkdPlugin {

    @Override
    public String name() {
        return "spi1-fixture";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION; // inlined at compile time: 1
    }

    @Override
    public Module module() {
        return binder -> Components.in(binder).loss(new FeatureMatchFactory());
    }
}
