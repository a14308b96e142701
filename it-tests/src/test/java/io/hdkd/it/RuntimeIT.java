package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distilled student leaves hdkd: a tiny run exported with {@code --decode} is loaded by a standalone program,
 * compiled here against the distribution's {@code runtime/} jars alone (not this build's class path) and run in its
 * own JVM; its detections on a validation image equal {@code hdkd predict --model}'s.
 */
class RuntimeIT {

    private static final Duration TRAINING = Duration.ofMinutes(4);

    /** The example of docs/EXPORT.md ("Using the exported model from your Java program"), printing one line each. */
    static final String MAIN = """
            import ai.djl.inference.Predictor;
            import ai.djl.modality.cv.Image;
            import ai.djl.modality.cv.ImageFactory;
            import ai.djl.modality.cv.output.DetectedObjects;
            import ai.djl.modality.cv.output.Rectangle;
            import ai.djl.repository.zoo.ZooModel;
            import io.hdkd.runtime.HdkdDetector;
            import java.nio.file.Path;

            public class Main {
                public static void main(String[] args) throws Exception {
                    Image image = ImageFactory.getInstance().fromFile(Path.of(args[1]));
                    try (ZooModel<Image, DetectedObjects> model = HdkdDetector.load(Path.of(args[0]),
                                    Float.parseFloat(args[2]));
                            Predictor<Image, DetectedObjects> predictor = model.newPredictor()) {
                        DetectedObjects found = predictor.predict(image);
                        for (int i = 0; i < found.getNumberOfObjects(); i++) {
                            DetectedObjects.DetectedObject d = found.item(i);
                            Rectangle r = d.getBoundingBox().getBounds();
                            System.out.println("detection\\t" + d.getClassName() + "\\t" + d.getProbability() + "\\t"
                                    + r.getX() + "\\t" + r.getY() + "\\t" + r.getWidth() + "\\t" + r.getHeight());
                        }
                    }
                }
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void aStandaloneProgramPredictsWhatHdkdPredicts() throws Exception {
        Path dist = Hdkd.distribution();
        Path run = tmp.resolve("run");
        // One short epoch leaves scores near the prior: decode from 0.001 so that there are detections to compare.
        Hdkd.Result t = Hdkd.run(dist, dist, Map.of(), TRAINING, "train", "--config", "conf/tiny.properties",
                "--set", "dataset.synthetic-images=12", "--set", "train.epochs=1", "--set", "train.eval-every=0",
                "--set", "train.warmup-steps=2", "--set", "model.head.score-threshold=0.001",
                "--set", "model.head.topk-candidates=50", "--set", "model.head.max-detections=10",
                "--out", run.toString());
        assertThat(t.code()).as(t.toString()).isZero();

        Path onnx = tmp.resolve("student.onnx");
        Hdkd.Result e = Hdkd.run(dist, dist, Map.of(), TRAINING, "export", "--run", run.toString(), "--decode",
                "--out", onnx.toString());
        assertThat(e.code()).as(e.toString()).isZero();

        Path image;
        try (Stream<Path> files = Files.list(run.resolve("data/images/val"))) {
            image = files.sorted().findFirst().orElseThrow();
        }
        Path out = tmp.resolve("predicted");
        Hdkd.Result p = Hdkd.run(dist, dist, Map.of(), TRAINING, "predict", "--model", onnx.toString(), "--score", "0",
                "--out", out.toString(), image.toString());
        assertThat(p.code()).as(p.toString()).isZero();
        JsonArray want = JsonParser.parseString(Files.readString(out.resolve("detections.json"))).getAsJsonArray();
        assertThat(want.size()).as("hdkd predict found objects").isPositive();

        List<Path> classPath = runtimeClassPath(dist);
        Path classes = compile(classPath);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-Dai.djl.offline=true", "-cp", classes + File.pathSeparator
                + String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()), "Main",
                onnx.toString(), image.toString(), "0"));
        Hdkd.Result r = Hdkd.process(command, tmp, Map.of(), Duration.ofMinutes(2));
        assertThat(r.code()).as(r.toString()).isZero();
        List<String[]> got = r.out().lines().filter(l -> l.startsWith("detection\t")).map(l -> l.split("\t"))
                .toList();
        assertThat(got).as(r.toString()).hasSize(want.size());
        assertTwins(want, got);
    }

    /** The distribution's runtime/ jars: hdkd-runtime and its dependencies, nothing of hdkd's core or PyTorch. */
    private static List<Path> runtimeClassPath(Path dist) throws Exception {
        List<Path> jars;
        try (Stream<Path> files = Files.list(dist.resolve("runtime"))) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
        List<String> names = jars.stream().map(j -> j.getFileName().toString()).toList();
        assertThat(names).anyMatch(n -> n.startsWith("hdkd-runtime-")).anyMatch(n -> n.startsWith("onnxruntime-"))
                .noneMatch(n -> n.startsWith("hdkd-core") || n.startsWith("hdkd-api") || n.startsWith("hdkd-plugin")
                        || n.contains("pytorch"));
        return jars;
    }

    /** Compiles {@link #MAIN} with the JDK's compiler against {@code classPath} only. */
    private Path compile(List<Path> classPath) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("program/src"));
        Path classes = Files.createDirectories(tmp.resolve("program/classes"));
        Path main = Files.writeString(src.resolve("Main.java"), MAIN, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler").isNotNull();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-d", classes.toString(), "-classpath",
                String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()), main.toString());
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    /**
     * Every detection of hdkd predict has a twin in the program's output: same class, score within 1e-4, box within
     * 1e-3 px. Matched as sets: both run the same graph on the same input, but ONNX Runtime's session options differ
     * (DJL's engine vs hdkd's), and a briefly trained model's near-tied scores may come out in another order.
     */
    private static void assertTwins(JsonArray want, List<String[]> got) {
        boolean[] used = new boolean[got.size()];
        for (JsonElement el : want) {
            JsonObject w = el.getAsJsonObject();
            JsonArray box = w.getAsJsonArray("bbox");
            int twin = -1;
            for (int j = 0; j < got.size() && twin < 0; j++) {
                String[] g = got.get(j);
                if (!used[j] && g[1].equals(w.get("category_name").getAsString())
                        && Math.abs(Double.parseDouble(g[2]) - w.get("score").getAsDouble()) <= 1e-4
                        && close(g, box)) {
                    twin = j;
                }
            }
            assertThat(twin).as("a twin of %s among %s", w, got.stream().map(g -> String.join(" ", g)).toList())
                    .isNotNegative();
            used[twin] = true;
        }
    }

    private static boolean close(String[] g, JsonArray box) {
        for (int k = 0; k < 4; k++) {
            if (Math.abs(Double.parseDouble(g[3 + k]) - box.get(k).getAsDouble()) > 1e-3) {
                return false;
            }
        }
        return true;
    }
}
