package io.hdkd.plugin.fpn;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;

/** Registers the RetinaNet feature pyramid neck. */
public final class FpnPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "fpn";
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
        return binder -> Components.in(binder).neck(new FpnFactory());
    }
}
