package io.hdkd.plugin.cornernet;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;
import java.util.Locale;
import java.util.ResourceBundle;

/** Registers the {@code cornernet} head. */
public final class CornerNetPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "cornernet";
    }

    /** The build's project version, filtered into {@code plugin.properties} (plugins/pom.xml). */
    @Override
    public String version() {
        return ResourceBundle.getBundle("io.hdkd.plugin.cornernet.plugin", Locale.ROOT, CornerNetPlugin.class.getClassLoader())
                .getString("version");
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
