package io.hdkd.plugin.resnet;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;
import java.util.Locale;
import java.util.ResourceBundle;

/** Registers the torchvision-layout ResNet and ResNeXt backbones. */
public final class ResNetPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "resnet";
    }

    /** The build's project version, filtered into {@code plugin.properties} (plugins/pom.xml). */
    @Override
    public String version() {
        return ResourceBundle.getBundle("io.hdkd.plugin.resnet.plugin", Locale.ROOT, ResNetPlugin.class.getClassLoader())
                .getString("version");
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public Module module() {
        return binder -> {
            Components components = Components.in(binder);
            for (ResNetSpec spec : ResNetSpec.ALL) {
                components.backbone(new ResNetFactory(spec));
            }
        };
    }
}
