package io.hdkd.plugin.kmeans;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.Options;
import io.hdkd.api.Partition;
import io.hdkd.api.PartitionerFactory;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class KMeansPluginTest {

    @Test
    void serviceLoaderFindsThePluginAndItsModuleRegistersTheFactory() {
        List<HdkdPlugin> plugins = ServiceLoader.load(HdkdPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof KMeansPlugin).toList();
        assertThat(plugins).hasSize(1);
        HdkdPlugin plugin = plugins.get(0);
        assertThat(plugin.name()).isEqualTo("kmeans");
        assertThat(plugin.spiVersion()).isEqualTo(HdkdPlugin.SPI_VERSION);
        assertThat(plugin.version()).isNotBlank().doesNotContain("${");

        Injector injector = Guice.createInjector(plugin.module());
        Map<String, PartitionerFactory> factories =
                injector.getInstance(Key.get(new TypeLiteral<Map<String, PartitionerFactory>>() {}));
        assertThat(factories).containsOnlyKeys("kmeans");

        PartitionerFactory factory = factories.get("kmeans");
        List<FeatureLevel> levels = List.of(new FeatureLevel("p3", 8, 4), new FeatureLevel("p4", 16, 8));
        ComponentContext context = new ComponentContext(2, levels, Device.cpu(), 11L);
        FeaturePartitioner partitioner = factory.create(Options.defaults(factory.options()), context);
        assertThat(partitioner.subspaces()).isEqualTo(4);

        try (NDManager manager = NDManager.newBaseManager()) {
            Partition partition = partitioner.partition(
                    List.of(manager.zeros(new Shape(2, 4, 8, 8)), manager.zeros(new Shape(2, 8, 4, 4))), levels,
                    List.of());
            assertThat(partition.subspaces()).isEqualTo(4);
            assertThat(partition.assignments()).hasSize(2);
            assertThat(partition.weights()).containsExactly(0.25f, 0.25f, 0.25f, 0.25f);
            assertThat(partition.mask(1, 0).getShape()).isEqualTo(new Shape(2, 1, 4, 4));
        }
    }
}
