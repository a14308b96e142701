package io.hdkd.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {

    static ComponentRegistry registry;

    @BeforeAll
    static void plugins() {
        registry = PluginManager.fromClasspath().registry();
    }

    static ResolvedConfig tiny(String... sets) throws Exception {
        Path file = Path.of(TrainingRunTest.class.getResource("/conf/tiny.properties").toURI());
        Map<String, String> raw = ConfigFiles.layered(file, List.of(sets));
        return new ConfigResolver(registry, Pipelines.schema()).resolve(raw);
    }

    @Test
    void tinyConfigLearns(@TempDir Path tmp) throws Exception {
        long t0 = System.nanoTime();
        TrainingRun.Outcome o = TrainingRun.train(tiny(), tmp.resolve("run"), false, false, System.err);
        System.out.println("TRAIN took " + (System.nanoTime() - t0) / 1e9 + " s: " + o.finalMetrics());
    }
}
