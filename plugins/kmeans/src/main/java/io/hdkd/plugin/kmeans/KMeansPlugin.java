package io.hdkd.plugin.kmeans;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The {@code kmeans} plugin: contributes the {@code kmeans} receptive-field partitioner. */
public final class KMeansPlugin implements HdkdPlugin {

    private static final String VERSION_RESOURCE = "kmeans-plugin.properties";

    @Override
    public String name() {
        return "kmeans";
    }

    /** The project version, filtered into {@value #VERSION_RESOURCE} at build time. */
    @Override
    public String version() {
        try (InputStream in = KMeansPlugin.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("plugin jar lacks " + VERSION_RESOURCE);
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VERSION_RESOURCE, e);
        }
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
