package io.hdkd.plugin.kdlosses;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;
import java.util.Locale;
import java.util.ResourceBundle;

/** The {@code kd-losses} plugin: soft-target KL, FitNet, PKD and CWD distillation losses, and hdkd's own composite. */
public final class KdLossesPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "kd-losses";
    }

    /** The build's project version, filtered into {@code plugin.properties} (plugins/pom.xml). */
    @Override
    public String version() {
        return ResourceBundle.getBundle("io.hdkd.plugin.kdlosses.plugin", Locale.ROOT, KdLossesPlugin.class.getClassLoader())
                .getString("version");
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public Module module() {
        return binder -> Components.in(binder)
                .loss(new SoftTargetKlLossFactory())
                .loss(new FitNetLossFactory())
                .loss(new PkdLossFactory())
                .loss(new CwdLossFactory())
                .loss(new HdkdLossFactory())
                .loss(new LocalizationLossFactory())
                .loss(new DetectionsLossFactory());
    }
}
