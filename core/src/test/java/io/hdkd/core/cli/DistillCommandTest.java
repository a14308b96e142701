package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DatasetSection;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.pipeline.SavedModel;
import io.hdkd.core.plugin.PluginManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hdkd distill} on the command line: a run, a ratio sweep, and the refusal of logit KD across head types. */
class DistillCommandTest {

    @TempDir
    static Path shared;

    static Path config;

    private static final String STUDENT = String.join("\n",
            "run.seed = 3",
            "dataset.synthetic = coarse",
            "dataset.synthetic-images = 12",
            "dataset.synthetic-size = 64",
            "dataset.synthetic-val-fraction = 0.34",
            "data.loader.size = 64",
            "data.loader.batch-size = 4",
            "data.loader.workers = 1",
            "model.backbone.type = resnet18",
            "model.backbone.width = 0.125",
            "model.neck.type = fpn",
            "model.neck.channels = 16",
            "model.neck.levels = p3, p4, p5",
            "train.epochs = 1",
            "train.lr = 0.01",
            "train.warmup-steps = 2",
            "train.eval-every = 0",
            "");

    @BeforeAll
    static void teacherAndConfig() throws Exception {
        System.setProperty(PluginHost.CLASSPATH_PROPERTY, "true");
        var registry = PluginManager.fromClasspath().registry();
        // The teacher: a freshly initialised, wider RetinaNet saved as a run's model (what teacher.run loads).
        Path teacherRun = shared.resolve("teacher");
        ResolvedConfig teacherConfig = new ConfigResolver(registry, Pipelines.schema()).resolve(
                io.hdkd.core.config.ConfigFiles.layered(write("teacher.properties", STUDENT
                        + "model.head.type = retinanet\n"), List.of("model.backbone.width=0.25")));
        DatasetSection.Splits data = DatasetSection.load(teacherConfig.section("dataset"), teacherRun, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            DetectorBlock d = DetectorBuilder.build(teacherConfig, data.train().numClasses(), 64, Device.cpu(), m);
            SavedModel.save(teacherRun.resolve("model"), d, teacherConfig, data.train().categories());
        }
        config = write("distill.properties", STUDENT + "teacher.run = " + teacherRun + "\n"
                + "distill.losses = pkd\ndistill.loss.pkd.type = pkd\ndistill.loss.pkd.levels = p3, p4, p5\n");
    }

    private static Path write(String name, String text) throws Exception {
        Path f = shared.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @AfterAll
    static void clearProperty() {
        System.clearProperty(PluginHost.CLASSPATH_PROPERTY);
    }

    @Test
    void distilsOneStudentPerRatioAndWritesTheirApWithMeanAndSpread(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sweep");
        CliRun r = CliRun.of("distill", "--config", config.toString(), "--set", "model.head.type=retinanet",
                "--out", out.toString(), "--ratios", "1:1,1:2");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(out.resolve("ratio-1_1/model/model.params")).isRegularFile();
        assertThat(out.resolve("ratio-1_2/model/model.params")).isRegularFile();
        assertThat(Files.readString(out.resolve("ratio-1_2/config.properties"))).contains("distill.ratio = 1:2");
        List<String> csv = Files.readAllLines(out.resolve("ratios.csv"));
        assertThat(csv).hasSize(5);
        assertThat(csv.get(0)).isEqualTo("ratio,AP,AP50,run");
        assertThat(csv.get(1)).startsWith("1:1,").endsWith(",ratio-1_1");
        assertThat(csv.get(3)).startsWith("mean,");
        assertThat(csv.get(4)).startsWith("std,");
        assertThat(r.out()).contains("mean").contains("ratios: " + out.resolve("ratios.csv"));
        // An existing sweep folder is refused without --resume or --force.
        CliRun again = CliRun.of("distill", "--config", config.toString(), "--set", "model.head.type=retinanet",
                "--out", out.toString(), "--ratios", "1:1");
        assertThat(again.exitCode()).isEqualTo(2);
    }

    @Test
    void singleRunPrintsTheTeachersCostAndLogitKdAcrossHeadTypesExitsWith2(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        CliRun ok = CliRun.of("distill", "--config", config.toString(), "--set", "model.head.type=retinanet",
                "--out", run.toString());
        assertThat(ok.exitCode()).as(ok.err()).isEqualTo(0);
        assertThat(ok.out()).contains("teacher forward ").contains("ms per step of").contains("model: ")
                .contains("report: ");

        CliRun refused = CliRun.of("distill", "--config", config.toString(), "--out", tmp.resolve("corner").toString(),
                "--set", "model.head.type=cornernet", "--set", "model.head.channels=16",
                "--set", "distill.losses=pkd, kl", "--set", "distill.loss.kl.type=kl");
        assertThat(refused.exitCode()).isEqualTo(2);
        String[] lines = refused.errLines();
        assertThat(lines[lines.length - 1])
                .startsWith("hdkd: error: distill.loss.kl (kl): ")
                .contains("teacher is retinanet, student is cornernet");
        assertThat(tmp.resolve("corner")).doesNotExist();
    }
}
