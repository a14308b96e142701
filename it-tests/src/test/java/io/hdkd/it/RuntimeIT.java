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
 * own JVM; its detections on a validation image equal {@code hdkd predict --model}'s. The program is the one
 * docs/EXPORT.md gives.
 */
class RuntimeIT {

    private static final Duration TRAINING = Duration.ofMinutes(4);

    /** The section of docs/EXPORT.md whose program this test compiles and runs, so the docs cannot drift. */
    static final String SECTION = "## Using the exported model from your Java program";

    /** The first Java block of {@link #SECTION}: the complete program the docs give. */
    static String documentedProgram() throws Exception {
        String dir = System.getProperty("hdkd.docs");
        if (dir == null) {
            throw new IllegalStateException("system property hdkd.docs is not set; run through 'mvn verify'");
        }
        String doc = Files.readString(Path.of(dir, "EXPORT.md"), StandardCharsets.UTF_8);
        int at = doc.indexOf(SECTION);
        assertThat(at).as("docs/EXPORT.md has the section '%s'", SECTION).isNotNegative();
        int from = doc.indexOf("```java\n", at);
        assertThat(from).as("a Java block in '%s'", SECTION).isPositive();
        from += "```java\n".length();
        return doc.substring(from, doc.indexOf("\n```", from) + 1);
    }

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
        // one line per detection: class name (may hold blanks), score, x, y, width, height
        List<String[]> got = r.out().lines().filter(l -> !l.isBlank()).map(RuntimeIT::fields).toList();
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

    /** Compiles the documented program with the JDK's compiler against {@code classPath} only. */
    private Path compile(List<Path> classPath) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("program/src"));
        Path classes = Files.createDirectories(tmp.resolve("program/classes"));
        Path main = Files.writeString(src.resolve("Main.java"), documentedProgram(), StandardCharsets.UTF_8);
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
                if (!used[j] && g[0].equals(w.get("category_name").getAsString())
                        && Math.abs(Double.parseDouble(g[1]) - w.get("score").getAsDouble()) <= 1e-4
                        && close(g, box)) {
                    twin = j;
                }
            }
            assertThat(twin).as("a twin of %s among %s", w, got.stream().map(g -> String.join(" ", g)).toList())
                    .isNotNegative();
            used[twin] = true;
        }
    }

    /** A printed line as {name, score, x, y, width, height}. */
    private static String[] fields(String line) {
        String[] t = line.trim().split(" ");
        assertThat(t.length).as("a detection line: %s", line).isGreaterThanOrEqualTo(6);
        String[] out = new String[6];
        out[0] = String.join(" ", java.util.Arrays.copyOf(t, t.length - 5));
        System.arraycopy(t, t.length - 5, out, 1, 5);
        return out;
    }

    private static boolean close(String[] g, JsonArray box) {
        for (int k = 0; k < 4; k++) {
            if (Math.abs(Double.parseDouble(g[2 + k]) - box.get(k).getAsDouble()) > 1e-3) {
                return false;
            }
        }
        return true;
    }
}
