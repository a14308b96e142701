package io.hdkd.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.eval.CocoStats;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.run.RunFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny CornerNet configuration trains through the same pipeline as RetinaNet (only {@code model.head.*}
 * differs): it measurably learns, writes its run, and the saved model reproduces the final evaluation.
 */
class CornerNetTrainingTest {

    @Test
    void tinyCornerNetLearnsAndTheSavedModelReloads(@TempDir Path tmp) throws Exception {
        ComponentRegistry registry = PluginManager.fromClasspath().registry();
        Path file = Path.of(getClass().getResource("/conf/tiny-cornernet.properties").toURI());
        Map<String, String> raw = ConfigFiles.layered(file, List.of());
        ResolvedConfig config = new ConfigResolver(registry, Pipelines.schema()).resolve(raw);
        Path run = tmp.resolve("run");
        TrainingRun.Outcome o = TrainingRun.train(config, run, false, false, System.err);

        DatasetSection.Splits data = DatasetSection.fromRoot(run.resolve("data"), BoxPolicy.ERROR);
        LoaderConfig loader = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        CocoStats untrained;
        try (NDManager m = NDManager.newBaseManager()) {
            DetectorBlock detector = DetectorBuilder.build(config, data.train().numClasses(), loader.size(),
                    Device.cpu(), m);
            untrained = Evaluation.run(detector, data.val(), loader, m, false).stats();
        }
        Map<String, Double> trained = o.finalMetrics();
        assertThat(trained.get("AP50")).as("AP50 trained vs untrained %s", untrained.get("AP50"))
                .isGreaterThan(untrained.get("AP50") + 0.05);
        assertThat(trained.get("AP")).as("AP trained vs untrained %s", untrained.get("AP"))
                .isGreaterThan(untrained.get("AP") + 0.01);

        // CornerNet's own loss terms reach the metrics log.
        List<JsonObject> steps = RunFolder.at(run).stepRecords();
        assertThat(steps).hasSize(10 * 12);
        assertThat(steps.get(0).keySet()).contains("loss_heatmap", "loss_pull", "loss_push", "loss_offset");

        try (NDManager m = NDManager.newBaseManager()) {
            SavedModel.Loaded loaded = SavedModel.load(run, registry, Device.cpu(), m);
            double again = Evaluation.run(loaded.detector(), data.val(), loaded.loaderConfig(), m, false)
                    .stats().get("AP50");
            assertThat(again).isEqualTo(trained.get("AP50"));
        }
    }
}
