package io.hdkd.core.testing;

import com.google.inject.Module;
import io.hdkd.api.Backbone;
import io.hdkd.api.BackboneFactory;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.Components;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.OptionType;
import io.hdkd.api.Options;
import io.hdkd.api.PartitionerFactory;
import java.util.List;

/**
 * A plugin on the test classpath (listed in src/test/resources/META-INF/services): what {@code fromClasspath()}
 * finds, what configuration tests resolve against, and what every plugin class loader must ignore.
 */
public final class ClasspathTestPlugin implements HdkdPlugin {

    @Override
    public String name() {
        return "cp-test";
    }

    @Override
    public String version() {
        return "0.0.1";
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public Module module() {
        return binder -> Components.in(binder).backbone(new TinyBackbone()).partitioner(new Grid()).loss(new Kd())
                .loss(new Mse());
    }

    static final class TinyBackbone implements BackboneFactory {
        @Override
        public String name() {
            return "tiny";
        }

        @Override
        public String description() {
            return "A test backbone.";
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(
                    OptionSpec.integer("depth", 18, "Number of layers."),
                    OptionSpec.bool("pretrained", false, "Whether to start from weights."),
                    OptionSpec.choice("style", "a", "Block style.", "a", "b"));
        }

        @Override
        public Backbone create(Options options, ComponentContext context) {
            throw new UnsupportedOperationException("test fixture");
        }
    }

    static final class Grid implements PartitionerFactory {
        @Override
        public String name() {
            return "grid";
        }

        @Override
        public String description() {
            return "A test partitioner.";
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(OptionSpec.integer("cells", 4, "Cells per side."));
        }

        @Override
        public FeaturePartitioner create(Options options, ComponentContext context) {
            throw new UnsupportedOperationException("test fixture");
        }
    }

    static final class Kd implements DistillationLossFactory {
        @Override
        public String name() {
            return "kd";
        }

        @Override
        public String description() {
            return "A test loss with a required option.";
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(
                    OptionSpec.number("weight", 1.0, "Loss weight."),
                    OptionSpec.required("temperature", OptionType.DOUBLE, "Softmax temperature."));
        }

        @Override
        public DistillationLoss create(Options options, ComponentContext context) {
            throw new UnsupportedOperationException("test fixture");
        }
    }

    static final class Mse implements DistillationLossFactory {
        @Override
        public String name() {
            return "mse";
        }

        @Override
        public String description() {
            return "A test loss with a path option.";
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(OptionSpec.path("cache", "runs/cache", "Where to cache."));
        }

        @Override
        public DistillationLoss create(Options options, ComponentContext context) {
            throw new UnsupportedOperationException("test fixture");
        }
    }
}
