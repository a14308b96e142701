package io.hdkd.plugin.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.hdkd.api.Backbone;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: building backbones through their factories, counting and snapshotting parameters. */
final class ResNets {

    private ResNets() {}

    static Backbone create(String name, Map<String, String> options) {
        ResNetSpec spec = ResNetSpec.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        ResNetFactory factory = new ResNetFactory(spec);
        return factory.create(Options.of("model.backbone.", factory.options(), options),
                new ComponentContext(0, List.of(), ai.djl.Device.cpu(), 7));
    }

    static boolean isRunningStatistic(Parameter p) {
        return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
    }

    /** Elements of all parameters but BatchNorm running statistics (torchvision's buffers). */
    static long learnableElements(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!isRunningStatistic(p.getValue())) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    /** Copies of every parameter's values, keyed by DJL path. */
    static Map<String, float[]> snapshot(Block block) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            values.put(p.getKey(), a.toFloatArray());
        }
        return values;
    }
}
