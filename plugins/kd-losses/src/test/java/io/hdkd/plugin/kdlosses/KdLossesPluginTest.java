package io.hdkd.plugin.kdlosses;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The plugin as the host finds it: ServiceLoader, then its Guice module. */
class KdLossesPluginTest {

    @Test
    void registersTheLosses() {
        List<HdkdPlugin> plugins = ServiceLoader.load(HdkdPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("kd-losses")).toList();
        assertThat(plugins).hasSize(1);
        HdkdPlugin plugin = plugins.get(0);
        assertThat(plugin.spiVersion()).isEqualTo(HdkdPlugin.SPI_VERSION);

        Injector injector = Guice.createInjector(plugin.module());
        Map<String, DistillationLossFactory> losses =
                injector.getInstance(Key.get(new TypeLiteral<Map<String, DistillationLossFactory>>() {}));
        assertThat(losses).containsOnlyKeys("kl", "fitnet", "pkd", "cwd", "hdkd", "ld", "detections");
        for (DistillationLossFactory f : losses.values()) {
            assertThat(f.description()).isNotBlank();
            assertThat(f.options()).extracting(OptionSpec::description).allMatch(d -> !d.isBlank());
            // every default parses
            assertThat(Options.defaults(f.options()).resolved()).isNotEmpty();
        }
    }
}
