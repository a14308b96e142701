package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.eval.CocoResults;
import io.hdkd.core.eval.CocoStats;
import io.hdkd.core.pipeline.DatasetSection;
import io.hdkd.core.pipeline.Evaluation;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.pipeline.SavedModel;
import io.hdkd.core.pipeline.TrainingRun;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.predict.DetectionPainter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hdkd eval}, {@code hdkd predict} and {@code hdkd bench predict} on a run of the tiny configuration. */
class RunCommandsTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path run;
    static ComponentRegistry registry;

    @BeforeAll
    static void trainTinyRun() throws Exception {
        System.setProperty(PluginHost.CLASSPATH_PROPERTY, "true");
        registry = PluginManager.fromClasspath().registry();
        Path file = Path.of(RunCommandsTest.class.getResource("/conf/tiny.properties").toURI());
        Map<String, String> raw = ConfigFiles.layered(file, List.of("train.epochs=2", "train.eval-every=2",
                // Two epochs do not lift scores far above RetinaNet's prior of 0.01: decode low scores too, so
                // that there are detections to write and draw; few candidates keep decoding and scoring quick.
                "model.head.score-threshold=0.001", "model.head.topk-candidates=50", "model.head.max-detections=20"));
        ResolvedConfig config = new ConfigResolver(registry, Pipelines.schema()).resolve(raw);
        run = shared.resolve("run");
        TrainingRun.train(config, run, false, false, System.err);
    }

    @AfterAll
    static void clearProperty() {
        System.clearProperty(PluginHost.CLASSPATH_PROPERTY);
    }

    private static DetectionDataset val() {
        return DatasetSection.fromRoot(run.resolve("data"), BoxPolicy.ERROR).val();
    }

    @Test
    void evalPrintsTheStatsOfTheSavedModelOnTheRunsValidationSplitAndWritesItsDetections() throws Exception {
        Evaluation.Result expected;
        try (NDManager m = NDManager.newBaseManager()) {
            SavedModel.Loaded loaded = SavedModel.load(run, registry, Device.cpu(), m);
            expected = Evaluation.run(loaded.detector(), val(), loaded.loaderConfig(), m, false);
        }
        CliRun r = CliRun.of("eval", "--run", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.outLines();
        assertThat(lines).hasSize(13);
        double[] s = expected.stats().stats();
        for (int i = 0; i < 12; i++) {
            assertThat(lines[i]).isEqualTo(String.format(Locale.ROOT, "%s %.6f", CocoStats.NAMES.get(i), s[i]));
        }
        assertThat(lines[12]).startsWith(EvalCocoCommand.FOUND_SHARE + " ");
        assertThat(expected.detections()).isNotEmpty();
        Path dets = run.resolve("eval/detections.json");
        assertThat(CocoResults.read(dets)).isEqualTo(expected.detections());

        // The same split given as COCO files scores the same; --per-class adds the class table.
        Path data = run.resolve("data");
        CliRun files = CliRun.of("eval", "--run", run.toString(), "--annotations",
                data.resolve("annotations/instances_val.json").toString(), "--images",
                data.resolve("images/val").toString(), "--out", dir.resolve("d.json").toString(), "--per-class");
        assertThat(files.exitCode()).as(files.err()).isZero();
        assertThat(List.of(files.outLines()).subList(0, 13)).containsExactly(lines);
        assertThat(files.outLines()[13]).matches("class\\s+AP\\s+AP50\\s+#GT");
        assertThat(files.outLines()).hasSize(14 + val().numClasses());
    }

    @Test
    void theValidationSplitOfADatasetOnDiskIsItsValSplit() throws Exception {
        Path file = Path.of(RunCommandsTest.class.getResource("/conf/tiny.properties").toURI());
        Map<String, String> raw = ConfigFiles.layered(file, List.of("dataset.synthetic=none",
                "dataset.root=" + run.resolve("data")));
        ResolvedConfig config = new ConfigResolver(registry, Pipelines.schema()).resolve(raw);
        DetectionDataset val = DatasetSection.validation(config.section(DatasetSection.SECTION.prefix()),
                dir, config.seed());
        assertThat(val).isEqualTo(val());
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void evalRefusesToOverwriteItsOutputWithoutForce() throws Exception {
        Path out = Files.createDirectories(dir.resolve("sub")).resolve("dets.json");
        Files.writeString(out, "[]");
        CliRun again = CliRun.of("eval", "--run", run.toString(), "--out", out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.errLines()).containsExactly("hdkd: error: " + out + " exists; pass --force to overwrite it");
        assertThat(Files.readString(out)).isEqualTo("[]");
        CliRun forced = CliRun.of("eval", "--run", run.toString(), "--out", out.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(CocoResults.read(out)).isNotEmpty();
    }

    @Test
    void evalOfARunWithoutModelOrWithOnlyAnnotationsExitsTwoWithOneLine() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-run"));
        CliRun r = CliRun.of("eval", "--run", empty.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains(empty.toString()).contains("no trained model");

        CliRun half = CliRun.of("eval", "--run", run.toString(), "--annotations", "x.json");
        assertThat(half.exitCode()).isEqualTo(2);
        assertThat(half.errLines()).containsExactly(
                "hdkd: error: --annotations and --images go together: pass both or neither");
    }

    @Test
    void predictDrawsTheDetectionsOnCopiesOfTheImagesAndWritesThemAsJson() throws Exception {
        List<Path> images;
        try (Stream<Path> s = Files.list(run.resolve("data/images/val"))) {
            images = s.sorted().limit(2).toList();
        }
        Path out = dir.resolve("pred");
        CliRun r = CliRun.of("predict", "--run", run.toString(), images.get(0).toString(), images.get(1).toString(),
                "--out", out.toString(), "--score", "0.005");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.outLines()).hasSize(2);

        JsonArray dets = new Gson().fromJson(Files.readString(out.resolve("detections.json")), JsonArray.class);
        assertThat(dets.size()).as("detections above 0.005 on two scenes").isPositive();
        for (int i = 0; i < 2; i++) {
            Path in = images.get(i);
            String name = in.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            BufferedImage original = ImageIO.read(in.toFile());
            BufferedImage drawn = ImageIO.read(out.resolve(name + ".png").toFile());
            assertThat(drawn.getWidth()).isEqualTo(original.getWidth());
            assertThat(drawn.getHeight()).isEqualTo(original.getHeight());
            List<CocoDetection> mine = new ArrayList<>();
            Map<Integer, String> names = new HashMap<>();
            for (var e : dets) {
                JsonObject d = e.getAsJsonObject();
                if (!d.get("file_name").getAsString().equals(in.toString())) {
                    continue;
                }
                assertThat(d.get("image_id").getAsLong()).isEqualTo(i + 1);
                assertThat(d.get("score").getAsDouble()).isGreaterThanOrEqualTo(0.005);
                assertThat(d.get("category_name").getAsString()).isNotBlank();
                JsonArray box = d.getAsJsonArray("bbox");
                mine.add(new CocoDetection(i + 1, d.get("category_id").getAsInt(), box.get(0).getAsDouble(),
                        box.get(1).getAsDouble(), box.get(2).getAsDouble(), box.get(3).getAsDouble(),
                        d.get("score").getAsDouble()));
                names.put(d.get("category_id").getAsInt(), d.get("category_name").getAsString());
            }
            // The PNG is the input with exactly the listed detections drawn (the painter's own test checks what a
            // drawn box looks like), and it differs from the input exactly when there is something to draw.
            BufferedImage expected = DetectionPainter.paint(original, mine, names);
            assertThat(changedPixels(expected, drawn)).as(name).isZero();
            if (mine.isEmpty()) {
                assertThat(changedPixels(original, drawn)).as("nothing drawn on " + name).isZero();
            } else {
                assertThat(changedPixels(original, drawn)).as("boxes drawn on " + name).isPositive();
            }
        }

        // Existing outputs are refused without --force, naming the file.
        CliRun again = CliRun.of("predict", "--run", run.toString(), images.get(0).toString(), "--out",
                out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.errLines()).hasSize(1);
        assertThat(again.err()).contains(out.toString()).contains("--force");
        assertThat(CliRun.of("predict", "--run", run.toString(), images.get(0).toString(), "--out", out.toString(),
                "--force").exitCode()).isZero();
    }

    @Test
    void predictNamesAMissingOrUnreadableImageAndExitsTwo() throws Exception {
        Path out = dir.resolve("pred");
        Path missing = dir.resolve("nope.png");
        CliRun r = CliRun.of("predict", "--run", run.toString(), missing.toString(), "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("hdkd: error: image file not found: " + missing);

        Path text = Files.writeString(dir.resolve("notes.jpg"), "not an image");
        CliRun bad = CliRun.of("predict", "--run", run.toString(), text.toString(), "--out", out.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.errLines()).hasSize(1);
        assertThat(bad.err()).contains(text.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void benchPredictReportsThroughput() {
        CliRun r = CliRun.of("bench", "predict", "--run", run.toString(), "--images", "2", "--size", "64");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("input 64x64").containsPattern("images_per_s \\d+\\.\\d{3}")
                .contains("peak_rss_mb");
    }

    @Test
    void benchPredictTimesAnExportOnOnnxRuntimeBesideTheRunsModel() throws Exception {
        Path decoded = dir.resolve("decoded.onnx");
        CliRun export = CliRun.of("export", "--run", run.toString(), "--out", decoded.toString(), "--decode",
                "--size", "64");
        assertThat(export.exitCode()).as(export.err()).isZero();

        CliRun r = CliRun.of("bench", "predict", "--run", run.toString(), "--model", decoded.toString(), "--images",
                "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).contains("input 64x64", "batch 1", "model run (PyTorch engine)", "model onnx (ONNX Runtime)",
                "decoding in the graph");
        assertThat(lines.indexOf("model run (PyTorch engine)")).isLessThan(lines.indexOf("model onnx (ONNX Runtime)"));
        assertThat(lines.stream().filter(l -> l.matches("images_per_s \\d+\\.\\d{3}"))).hasSize(2);
        // the same inputs through both engines: the same number of detections
        List<String> counts = lines.stream().filter(l -> l.startsWith("detections ")).toList();
        assertThat(counts).hasSize(2);
        assertThat(counts.get(1)).isEqualTo(counts.get(0)).isNotEqualTo("detections 0");

        // a raw export, batched, decoded by its head as eval --model decodes it
        Path raw = dir.resolve("raw.onnx");
        assertThat(CliRun.of("export", "--run", run.toString(), "--out", raw.toString(), "--size", "64").exitCode())
                .isZero();
        CliRun batched = CliRun.of("bench", "predict", "--run", run.toString(), "--model", raw.toString(),
                "--images", "4", "--batch", "2");
        assertThat(batched.exitCode()).as(batched.err()).isZero();
        List<String> b = batched.out().lines().toList();
        assertThat(b).contains("batch 2", "decoding by the head, as eval --model decodes");
        List<String> rawCounts = b.stream().filter(l -> l.startsWith("detections ")).toList();
        assertThat(rawCounts).hasSize(2);
        assertThat(rawCounts.get(1)).isEqualTo(rawCounts.get(0));

        CliRun refused = CliRun.of("bench", "predict", "--model", decoded.toString(), "--batch", "2");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errLines()).containsExactly("hdkd: error: --batch 2: --model " + decoded + " is a decoded"
                + " export, which takes one image per run; time batches on a raw export");
        CliRun size = CliRun.of("bench", "predict", "--model", decoded.toString(), "--size", "96");
        assertThat(size.exitCode()).isEqualTo(2);
        assertThat(size.errLines()).hasSize(1);
        assertThat(size.err()).contains("--size 96").contains("64x64");
    }

    private static int changedPixels(BufferedImage a, BufferedImage b) {
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                n += (a.getRGB(x, y) & 0xffffff) != (b.getRGB(x, y) & 0xffffff) ? 1 : 0;
            }
        }
        return n;
    }
}
