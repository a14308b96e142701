package io.hdkd.plugin.retinanet;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;

/** Contributes the {@code retinanet} head. */
public final class RetinaNetPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "retinanet";
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
        return binder -> Components.in(binder).head(new RetinaNetHeadFactory());
    }
}
