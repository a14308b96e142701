package io.hdkd.plugin.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.hdkd.api.BackboneFactory;
import io.hdkd.api.HdkdPlugin;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ResNetPluginTest {

    @Test
    void serviceLoaderFindsThePluginAndItRegistersFiveBackbones() {
        HdkdPlugin plugin = ServiceLoader.load(HdkdPlugin.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("resnet")).findFirst().orElseThrow();
        assertThat(plugin.spiVersion()).isEqualTo(HdkdPlugin.SPI_VERSION);
        Map<String, BackboneFactory> factories = Guice.createInjector(plugin.module())
                .getInstance(Key.get(new TypeLiteral<Map<String, BackboneFactory>>() {}));
        assertThat(factories).containsOnlyKeys("resnet18", "resnet34", "resnet50", "resnet101", "resnext50_32x4d");
        factories.values().forEach(f -> assertThat(f.options()).allSatisfy(o -> assertThat(o.description()).isNotBlank()));
    }
}
