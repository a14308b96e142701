package io.hdkd.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.plugin.PluginManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every configuration the distribution ships in conf/ resolves against the built-in plugins. */
class ShippedConfigsTest {

    @Test
    void everyShippedConfigResolves() throws IOException {
        Path conf = Path.of("../distribution/src/main/conf");
        List<Path> files;
        try (Stream<Path> s = Files.list(conf)) {
            files = s.filter(p -> p.toString().endsWith(".properties")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("tiny.properties", "quick.properties", "retinanet-r50-coco.properties",
                        "distill-quick.properties", "distill-onnx.properties",
                        "distill-quick-cornernet.properties", "distill-cornernet-long.properties");
        ConfigResolver resolver = new ConfigResolver(PluginManager.fromClasspath().registry(), Pipelines.schema());
        for (Path f : files) {
            ResolvedConfig c = resolver.resolve(ConfigFiles.read(f));
            assertThat(c.toProperties()).as(f.toString()).contains("run.seed");
            if (f.getFileName().toString().startsWith("distill-")) {
                // exactly one teacher, a valid ratio, at least one loss: what hdkd distill checks first
                TeacherSection.check(c.section(TeacherSection.SECTION.prefix()));
                DistillSection.ratio(c.section(DistillSection.SECTION.prefix()));
                assertThat(c.lossIds()).as(f.toString()).isNotEmpty();
            }
        }
    }
}
