package io.hdkd.core.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.hdkd.api.ImageTargets;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Not a test (the name keeps it out of the surefire run): a side-by-side measurement of one training step (forward,
 * loss, backward) of the quick configuration with its RetinaNet head and with a CornerNet head, alternating in one
 * JVM so that both see the same machine load. Random 160 px images, two boxes per image, 3 classes. Run with
 * {@code mvn -B -o -q -pl core -am verify -DskipITs -Dtest=HeadStepTimeComparison
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dsteps=15]}; prints STEPTIME lines.
 */
class HeadStepTimeComparison {
    @Test
    void alternate() throws Exception {
        ComponentRegistry registry = PluginManager.fromClasspath().registry();
        ConfigResolver resolver = new ConfigResolver(registry, Pipelines.schema());
        Path conf = Path.of("../distribution/src/main/conf");
        ResolvedConfig rn = resolver.resolve(ConfigFiles.read(conf.resolve("quick.properties")));
        ResolvedConfig cn = resolver.resolve(ConfigFiles.read(conf.resolve("quick-cornernet.properties")));
        int size = 160;
        int steps = Integer.getInteger("steps", 15);
        try (NDManager m = NDManager.newBaseManager()) {
            DetectorBlock[] d = {DetectorBuilder.build(rn, 3, size, Device.cpu(), m),
                DetectorBuilder.build(cn, 3, size, Device.cpu(), m)};
            long[][] ms = new long[2][steps];
            for (int s = 0; s < steps + 2; s++) {
                for (int k = 0; k < 2; k++) {
                    try (NDManager sm = m.newSubManager()) {
                        Engine.getInstance().setRandomSeed(s);
                        NDArray images = sm.randomNormal(new Shape(4, 3, size, size));
                        List<ImageTargets> targets = new ArrayList<>();
                        for (int i = 0; i < 4; i++) {
                            targets.add(new ImageTargets(sm.create(new float[] {10, 12, 90, 100, 40, 30, 150, 120},
                                    new Shape(2, 4)), sm.create(new int[] {1, 2})));
                        }
                        ParameterStore ps = new ParameterStore(sm, false);
                        long t0 = System.nanoTime();
                        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                            var out = d[k].forwardTaps(ps, images, true).headOutputs();
                            NDArray loss = d[k].head().loss(out, targets, new Shape(size, size)).total();
                            c.backward(loss);
                        }
                        long t = (System.nanoTime() - t0) / 1_000_000;
                        if (s >= 2) {
                            ms[k][s - 2] = t;
                        }
                    }
                }
            }
            for (int k = 0; k < 2; k++) {
                long[] v = ms[k].clone();
                Arrays.sort(v);
                System.out.printf("STEPTIME %s median %d ms (min %d, max %d) over %d steps%n",
                        k == 0 ? "retinanet" : "cornernet", v[v.length / 2], v[0], v[v.length - 1], steps);
            }
        }
    }
}
