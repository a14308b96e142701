package io.hdkd.plugin.kmeans;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;
import java.util.Locale;
import java.util.ResourceBundle;

/** The {@code kmeans} plugin: contributes the {@code kmeans} receptive-field partitioner. */
public final class KMeansPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "kmeans";
    }

    /** The build's project version, filtered into {@code plugin.properties} (plugins/pom.xml). */
    @Override
    public String version() {
        return ResourceBundle.getBundle("io.hdkd.plugin.kmeans.plugin", Locale.ROOT, KMeansPlugin.class.getClassLoader())
                .getString("version");
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public Module module() {
        return binder -> Components.in(binder).partitioner(new KMeansPartitionerFactory());
    }
}
