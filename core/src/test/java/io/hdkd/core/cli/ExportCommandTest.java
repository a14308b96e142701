package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.data.loader.DetectionLoader;
import io.hdkd.core.export.OnnxModelRunner;
import io.hdkd.core.pipeline.DatasetSection;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.pipeline.SavedModel;
import io.hdkd.core.pipeline.TrainingRun;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hdkd export} on a briefly trained tiny run, and the exported model through {@code hdkd eval --model} and
 * {@code hdkd predict --model}: the same outputs, COCO numbers and detections as the run's own model.
 */
class ExportCommandTest {

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
        Path file = Path.of(ExportCommandTest.class.getResource("/conf/tiny.properties").toURI());
        // Two epochs leave scores near RetinaNet's prior: decode low scores, so that there are detections to compare.
        Map<String, String> raw = ConfigFiles.layered(file, List.of("train.epochs=2", "train.eval-every=2",
                "dataset.synthetic-images=24", "model.head.score-threshold=0.001", "model.head.topk-candidates=50",
                "model.head.max-detections=20"));
        ResolvedConfig config = new ConfigResolver(registry, Pipelines.schema()).resolve(raw);
        run = shared.resolve("run");
        TrainingRun.train(config, run, false, false, System.err);
    }

    @AfterAll
    static void clearProperty() {
        System.clearProperty(PluginHost.CLASSPATH_PROPERTY);
    }

    @Test
    void rawExportMatchesTheTrainedModelAndEvaluatesToTheSameCocoNumbers() throws Exception {
        Path onnx = dir.resolve("student.onnx");
        CliRun export = CliRun.of("export", "--run", run.toString(), "--format", "onnx", "--out", onnx.toString(),
                "--taps", "p3,p4");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("outputs cls_p3, cls_p4, cls_p5, box_p3, box_p4, box_p5, p3, p4");

        // raw outputs of ONNX Runtime = the PyTorch engine's, on a validation batch
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                OnnxModelRunner runner = OnnxModelRunner.open(onnx)) {
            SavedModel.Loaded loaded = SavedModel.load(run, registry, Device.cpu(), m);
            Map<String, String> meta = runner.metadata();
            assertThat(meta.get(DetectionOutputs.CLASS_NAMES)).isEqualTo(new Gson().toJson(
                    loaded.categories().stream().map(c -> c.name()).toList()));
            assertThat(meta.get(DetectionOutputs.INPUT_SIZE)).isEqualTo("128");
            assertThat(meta.get(DetectionOutputs.HEAD_TYPE)).isEqualTo("retinanet");
            assertThat(meta.get(DetectionOutputs.CONFIG)).isEqualTo(loaded.config().toProperties());
            assertThat(meta).containsKeys(DetectionOutputs.MEAN, DetectionOutputs.STD, DetectionOutputs.STRIDES,
                    DetectionOutputs.VERSION);
            try (DetectionLoader loader = new DetectionLoader(val(), AugmentConfig.NONE,
                    loaded.loaderConfig().forEvaluation())) {
                var it = loader.epoch(0, m);
                try (DetectionBatch batch = it.next()) {
                    NDList want = loaded.detector().forward(new ParameterStore(m, false),
                            new NDList(batch.images()), false);
                    Map<String, OnnxModelRunner.Output> got = runner.run(batch.images().toFloatArray(),
                            batch.images().getShape().getShape());
                    List<HeadOutput> outs = loaded.detector().head().outputs();
                    for (int i = 0; i < outs.size(); i++) {
                        NDArray w = want.get(i);
                        assertThat(relativeError(got.get(outs.get(i).name()).floats(), w.toFloatArray()))
                                .as(outs.get(i).name()).isLessThanOrEqualTo(1e-4);
                    }
                }
            }
        }

        // hdkd eval --model gives the 12 COCO numbers of hdkd eval --run, to 1e-4
        Path data = run.resolve("data");
        String ann = data.resolve("annotations/instances_val.json").toString();
        String img = data.resolve("images/val").toString();
        CliRun byRun = CliRun.of("eval", "--run", run.toString(), "--annotations", ann, "--images", img, "--out",
                dir.resolve("run-dets.json").toString());
        CliRun byModel = CliRun.of("eval", "--model", onnx.toString(), "--annotations", ann, "--images", img);
        assertThat(byRun.exitCode()).as(byRun.err()).isZero();
        assertThat(byModel.exitCode()).as(byModel.err()).isZero();
        double[] a = stats(byRun.outLines());
        double[] b = stats(byModel.outLines());
        assertThat(a[1]).as("AP50 of the run's model").isGreaterThan(0);
        for (int i = 0; i < 12; i++) {
            assertThat(b[i]).as("stat %d", i).isCloseTo(a[i], within(1e-4));
        }
    }

    @Test
    void decodedExportPredictsWhatTheRunPredicts() throws Exception {
        Path onnx = dir.resolve("decoded.onnx");
        CliRun export = CliRun.of("export", "--run", run.toString(), "--out", onnx.toString(), "--decode");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("outputs boxes, scores, labels");

        List<String> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(run.resolve("data/images/val"))) {
            files.sorted().limit(3).forEach(p -> images.add(p.toString()));
        }
        List<String> viaRun = new ArrayList<>(List.of("predict", "--run", run.toString(), "--score", "0", "--out",
                dir.resolve("a").toString()));
        viaRun.addAll(images);
        List<String> viaModel = new ArrayList<>(List.of("predict", "--model", onnx.toString(), "--score", "0",
                "--out", dir.resolve("b").toString()));
        viaModel.addAll(images);
        CliRun r1 = CliRun.of(viaRun.toArray(String[]::new));
        CliRun r2 = CliRun.of(viaModel.toArray(String[]::new));
        assertThat(r1.exitCode()).as(r1.err()).isZero();
        assertThat(r2.exitCode()).as(r2.err()).isZero();
        JsonArray want = new Gson().fromJson(Files.readString(dir.resolve("a/detections.json")), JsonArray.class);
        JsonArray got = new Gson().fromJson(Files.readString(dir.resolve("b/detections.json")), JsonArray.class);
        assertThat(want.size()).isGreaterThan(0);
        assertThat(got.size()).isEqualTo(want.size());
        // Matched as sets per image: a briefly trained model scores many boxes within 1e-4 of each other, and the
        // order of such near-ties is not defined; every detection must find its twin (label, score, box).
        boolean[] used = new boolean[got.size()];
        for (int i = 0; i < want.size(); i++) {
            JsonObject w = want.get(i).getAsJsonObject();
            int twin = -1;
            for (int j = 0; j < got.size() && twin < 0; j++) {
                if (!used[j] && same(w, got.get(j).getAsJsonObject())) {
                    twin = j;
                }
            }
            assertThat(twin).as("ONNX twin of %s", w).isGreaterThanOrEqualTo(0);
            used[twin] = true;
        }
    }

    /** Same image and class, score within 1e-4, box within 1e-3 px. */
    private static boolean same(JsonObject w, JsonObject g) {
        if (g.get("image_id").getAsLong() != w.get("image_id").getAsLong()
                || g.get("category_id").getAsInt() != w.get("category_id").getAsInt()
                || Math.abs(g.get("score").getAsDouble() - w.get("score").getAsDouble()) > 1e-4) {
            return false;
        }
        for (int j = 0; j < 4; j++) {
            if (Math.abs(g.get("bbox").getAsJsonArray().get(j).getAsDouble()
                    - w.get("bbox").getAsJsonArray().get(j).getAsDouble()) > 1e-3) {
                return false;
            }
        }
        return true;
    }

    @Test
    void badInputIsOneLineAndExitTwoAndWritesNothing() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-run"));
        Path out = dir.resolve("x.onnx");
        CliRun noModel = CliRun.of("export", "--run", empty.toString(), "--out", out.toString());
        assertThat(noModel.exitCode()).isEqualTo(2);
        assertThat(noModel.errLines()).hasSize(1);
        assertThat(noModel.err()).startsWith("hdkd: error: ").contains("no trained model");

        CliRun opset = CliRun.of("export", "--run", run.toString(), "--out", out.toString(), "--opset", "9");
        assertThat(opset.exitCode()).isEqualTo(2);
        assertThat(opset.errLines()).containsExactly("hdkd: error: --opset 9: hdkd writes ONNX opsets 13 to 21");

        CliRun format = CliRun.of("export", "--run", run.toString(), "--out", out.toString(), "--format", "tflite");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.errLines()).containsExactly("hdkd: error: --format tflite: hdkd exports onnx only");
        assertThat(out).doesNotExist();

        Files.writeString(out, "keep");
        CliRun exists = CliRun.of("export", "--run", run.toString(), "--out", out.toString());
        assertThat(exists.exitCode()).isEqualTo(2);
        assertThat(exists.errLines()).containsExactly("hdkd: error: " + out + " exists; pass --force to overwrite it");
        assertThat(Files.readString(out)).isEqualTo("keep");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain(".x.onnx.tmp");
        }
    }

    private static io.hdkd.core.data.DetectionDataset val() {
        return DatasetSection.fromRoot(run.resolve("data"), BoxPolicy.ERROR).val();
    }

    private static double[] stats(String[] lines) {
        double[] s = new double[12];
        for (int i = 0; i < 12; i++) {
            s[i] = Double.parseDouble(lines[i].substring(lines[i].lastIndexOf(' ') + 1));
        }
        return s;
    }

    private static double relativeError(float[] got, float[] want) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
        }
        return diff / scale;
    }
}
