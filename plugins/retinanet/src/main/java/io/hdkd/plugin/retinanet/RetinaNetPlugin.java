package io.hdkd.plugin.retinanet;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;
import java.util.Locale;
import java.util.ResourceBundle;

/** Contributes the {@code retinanet} head. */
public final class RetinaNetPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "retinanet";
    }

    /** The build's project version, filtered into {@code plugin.properties} (plugins/pom.xml). */
    @Override
    public String version() {
        return ResourceBundle.getBundle("io.hdkd.plugin.retinanet.plugin", Locale.ROOT, RetinaNetPlugin.class.getClassLoader())
                .getString("version");
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
