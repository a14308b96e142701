package io.hdkd.plugin.resnet;

import com.google.inject.Module;
import io.hdkd.api.Components;
import io.hdkd.api.HdkdPlugin;

/** Registers the torchvision-layout ResNet and ResNeXt backbones. */
public final class ResNetPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "resnet";
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
        return binder -> {
            Components components = Components.in(binder);
            for (ResNetSpec spec : ResNetSpec.ALL) {
                components.backbone(new ResNetFactory(spec));
            }
        };
    }
}
