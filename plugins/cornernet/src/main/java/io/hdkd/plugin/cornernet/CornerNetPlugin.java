package io.hdkd.plugin.cornernet;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;

/** Registers the {@code cornernet} head. */
public final class CornerNetPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "cornernet";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public Module module() {
        return binder -> Components.in(binder).head(new CornerNetHeadFactory());
    }
}
