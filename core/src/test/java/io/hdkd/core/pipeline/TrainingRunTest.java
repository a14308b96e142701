package io.hdkd.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny configuration trains a RetinaNet that measurably learns, writes a complete run, and reloads. */
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
    void tinyConfigLearnsAndTheSavedModelReloads(@TempDir Path tmp) throws Exception {
        ResolvedConfig config = tiny();
        Path run = tmp.resolve("run");
        TrainingRun.Outcome o = TrainingRun.train(config, run, false, false, System.err);

        // The same detector untrained, on the same validation split.
        DatasetSection.Splits data = DatasetSection.fromRoot(run.resolve("data"),
                io.hdkd.core.data.coco.BoxPolicy.ERROR);
        LoaderConfig loader = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        double untrainedAp50;
        try (NDManager m = NDManager.newBaseManager()) {
            DetectorBlock untrained = DetectorBuilder.build(config, data.train().numClasses(), loader.size(),
                    Device.cpu(), m);
            untrainedAp50 = Evaluation.run(untrained, data.val(), loader, m, false).stats().get("AP50");
        }
        double trainedAp50 = o.finalMetrics().get("AP50");
        assertThat(trainedAp50).as("AP50 trained vs untrained %s", untrainedAp50)
                .isGreaterThan(untrainedAp50 + 0.03);

        for (String f : List.of("config.properties", "metrics.jsonl", "eval.jsonl", "report.html",
                "eval/detections_val.json", "model/model.params", "model/config.properties", "model/categories.json")) {
            assertThat(run.resolve(f)).as(f).isRegularFile();
        }
        assertThat(RunFolder.at(run).stepRecords()).hasSize(10 * 12);
        assertThat(Files.readString(run.resolve("report.html"))).contains("<svg").contains("AP50");

        // The saved model alone reproduces the run's final evaluation.
        try (NDManager m = NDManager.newBaseManager()) {
            SavedModel.Loaded loaded = SavedModel.load(run, registry, Device.cpu(), m);
            double again = Evaluation.run(loaded.detector(), data.val(), loaded.loaderConfig(), m, false)
                    .stats().get("AP50");
            assertThat(again).isEqualTo(trainedAp50);
        }

        // An existing run folder is refused without --resume or --force.
        assertThatThrownBy(() -> TrainingRun.train(config, run, false, false, System.err))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("pass --resume")
                .hasMessageContaining("--force");
        // Resuming with another configuration is refused, naming the key.
        assertThatThrownBy(() -> TrainingRun.train(tiny("train.lr=0.5"), run, true, false, System.err))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("train.lr");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> tiny("train.epochs=many")).isInstanceOf(InvalidInputException.class)
                .hasMessage("bad value for train.epochs: expected an integer >= 1, got 'many'");
        assertThatThrownBy(() -> tiny("train.optimiser=sgd")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("did you mean train.optimizer?");
        assertThatThrownBy(() -> tiny("dataset.synthetic=dence")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dataset.synthetic").hasMessageContaining("dense");
    }
}
