package ${package};

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;

/**
 * The plugin's entry point, listed in META-INF/services/io.hdkd.api.HdkdPlugin: its name, version and SPI version,
 * and a Guice module that registers its component factories.
 */
public final class AttentionPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "${artifactId}";
    }

    @Override
    public String version() {
        return "${version}";
    }

    /** A compile-time constant: the SPI this plugin was built against (hdkd refuses versions it does not accept). */
    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public Module module() {
        return binder -> Components.in(binder).loss(new AttentionLossFactory());
    }
}
