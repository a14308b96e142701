package io.hdkd.core.weights;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.hdkd.api.Backbone;
import io.hdkd.api.BackboneFactory;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.HdkdPlugin;
import io.hdkd.api.Options;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Builds backbones of the resnet plugin (on the test class path) the way the host will: ServiceLoader, Guice, options. */
final class Backbones {

    private static final Map<String, BackboneFactory> FACTORIES = load();

    private Backbones() {}

    private static Map<String, BackboneFactory> load() {
        HdkdPlugin plugin = ServiceLoader.load(HdkdPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("resnet")).findFirst().orElseThrow();
        return Guice.createInjector(plugin.module())
                .getInstance(Key.get(new TypeLiteral<Map<String, BackboneFactory>>() {}));
    }

    /** A backbone with the given options, initialised for a 1 x 3 x 64 x 64 input on {@code manager}. */
    static Backbone initialized(String type, Map<String, String> options, NDManager manager) {
        BackboneFactory factory = FACTORIES.get(type);
        Backbone backbone = factory.create(Options.of("model.backbone.", factory.options(), options),
                new ComponentContext(0, List.of(), Device.cpu(), 1));
        backbone.block().initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
        return backbone;
    }
}
