package io.hdkd.plugin.retinanet;

import ai.djl.Device;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds heads for tests through the factory, as the host does. */
final class Heads {

    private Heads() {}

    static RetinaNetHead create(int numClasses, List<FeatureLevel> levels, Map<String, String> options) {
        RetinaNetHeadFactory factory = new RetinaNetHeadFactory();
        Options o = Options.of("model.head.", factory.options(), options);
        return (RetinaNetHead) factory.create(o, new ComponentContext(numClasses, levels, Device.cpu(), 42L));
    }

    /** Levels p{first}..p{last}, strides 2^i, all with {@code channels}. */
    static List<FeatureLevel> levels(int first, int last, int channels) {
        List<FeatureLevel> levels = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            levels.add(new FeatureLevel("p" + i, 1 << i, channels));
        }
        return levels;
    }
}
