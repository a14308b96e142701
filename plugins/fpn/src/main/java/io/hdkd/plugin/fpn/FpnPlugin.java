package io.hdkd.plugin.fpn;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;
import java.util.Locale;
import java.util.ResourceBundle;

/** Registers the RetinaNet feature pyramid neck. */
public final class FpnPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "fpn";
    }

    /** The build's project version, filtered into {@code plugin.properties} (plugins/pom.xml). */
    @Override
    public String version() {
        return ResourceBundle.getBundle("io.hdkd.plugin.fpn.plugin", Locale.ROOT, FpnPlugin.class.getClassLoader())
                .getString("version");
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
