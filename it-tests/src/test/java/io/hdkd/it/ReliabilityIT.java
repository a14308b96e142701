package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability catalogue: reads the table of docs/RELIABILITY.md and runs every row through the distribution's
 * {@code bin/hdkd}, so the catalogue and its test are one source. Each row runs in its own folder with its fixture;
 * rows run two at a time (most are refusals that end before any work).
 */
class ReliabilityIT {

    private static final String START = "<!-- catalogue:start -->";
    private static final String END = "<!-- catalogue:end -->";
    private static final Duration LIMIT = Duration.ofMinutes(5);

    @TempDir
    static Path tmp;

    static Path dist;
    static Path fast;
    static Path onnx;
    static Path files;
    static Path dataset;
    static Path finishedRun;
    static final List<Path> mounts = new ArrayList<>();

    /** One row of the catalogue. */
    record Row(String id, String what, String fixture, String env, String args, int exit, String output, String then) {}

    @BeforeAll
    static void prepare() throws Exception {
        dist = Hdkd.distribution();
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        fast = shared.resolve("fast.properties");
        List<String> faster = List.of("dataset.synthetic-images = 8", "dataset.synthetic-size = 64",
                "data.loader.size = 64", "data.loader.batch-size = 4", "train.epochs = 2", "train.eval-every = 0",
                "train.warmup-steps = 1", "train.checkpoint-every = 2", "train.keep-checkpoints = 2",
                "model.head.topk-candidates = 50");
        List<String> keys = faster.stream().map(l -> l.split("=")[0].strip()).toList();
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dist.resolve("conf/tiny.properties"))) {
            if (!keys.contains(line.split("=")[0].strip())) {
                lines.add(line);
            }
        }
        lines.addAll(faster);
        Files.write(fast, lines);
        onnx = shared.resolve("fixed-128.onnx");
        Files.write(onnx, OnnxFixture.fixedSizePool(128, 8));
        files = Files.createDirectories(shared.resolve("files"));
        Files.writeString(files.resolve("c.yaml"), "train:\n  epochs: 3\n");
        Files.writeString(files.resolve("twice.properties"), "train.epochs = 2\ntrain.epochs = 3\n");
        Files.writeString(files.resolve("dets.json"), "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2");

        dataset = shared.resolve("data");
        Hdkd.Result synth = Hdkd.run(dist, shared, Map.of(), LIMIT, "data", "synth", "--preset", "coarse",
                "--images", "6", "--size", "64", "--seed", "3", "--out", dataset.toString());
        assertThat(synth.code()).as(synth.toString()).isZero();
        finishedRun = shared.resolve("run");
        Hdkd.Result train = Hdkd.run(dist, shared, Map.of(), LIMIT, "train", "--config", fast.toString(), "--out",
                finishedRun.toString());
        assertThat(train.code()).as(train.toString()).isZero();
        assertThat(finishedRun.resolve("checkpoints/ckpt-00000002")).isDirectory();
        assertThat(finishedRun.resolve("checkpoints/ckpt-00000004")).isDirectory();
    }

    @AfterAll
    static void unmount() throws Exception {
        for (Path m : mounts) {
            new ProcessBuilder("umount", m.toString()).inheritIO().start().waitFor();
        }
    }

    static List<Row> catalogue() throws IOException {
        Path doc = Path.of(System.getProperty("hdkd.docs", "../docs")).resolve("RELIABILITY.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int from = text.indexOf(START);
        int to = text.indexOf(END);
        assertThat(from).as("catalogue markers in " + doc).isGreaterThanOrEqualTo(0);
        List<Row> rows = new ArrayList<>();
        for (String line : text.substring(from + START.length(), to).split("\n")) {
            line = line.strip();
            if (!line.startsWith("|") || line.startsWith("| id ") || line.startsWith("|---")) {
                continue;
            }
            String[] c = line.substring(1, line.length() - 1).split("\\|", -1);
            assertThat(c).as("8 columns: " + line).hasSize(8);
            rows.add(new Row(cell(c[0]), cell(c[1]), cell(c[2]), cell(c[3]), cell(c[4]), Integer.parseInt(cell(c[5])),
                    cell(c[6]), cell(c[7])));
        }
        return rows;
    }

    private static String cell(String s) {
        s = s.strip();
        if (s.startsWith("`") && s.endsWith("`") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1);
        }
        return s;
    }

    @TestFactory
    Stream<DynamicTest> everyRowOfTheCatalogue() throws Exception {
        List<Row> rows = catalogue();
        assertThat(rows).as("the catalogue").hasSizeGreaterThanOrEqualTo(60);
        assertThat(rows.stream().map(Row::id).distinct().count()).as("unique ids").isEqualTo(rows.size());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Map<Row, Future<Object>> running = new LinkedHashMap<>();
        for (Row row : rows) {
            running.put(row, pool.submit(() -> execute(row)));
        }
        pool.shutdown();
        return running.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().id() + " " + e.getKey().what(),
                () -> {
                    Object r = e.getValue().get();
                    Assumptions.assumeFalse(r instanceof String, () -> String.valueOf(r));
                    check(e.getKey(), (Executed) r);
                }));
    }

    record Executed(Path caseDir, Hdkd.Result result) {}

    /** Prepares the row's fixture and runs it; a String result means the row cannot run here (skipped). */
    private static Object execute(Row row) throws Exception {
        Path caseDir = Files.createDirectories(tmp.resolve("cases").resolve(row.id()));
        for (String part : row.fixture().split("\\+")) {
            String skip = fixture(part.strip(), caseDir);
            if (skip != null) {
                return skip;
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (!row.env().equals("-")) {
            int eq = row.env().indexOf('=');
            env.put(row.env().substring(0, eq), row.env().substring(eq + 1));
        }
        List<String> args = new ArrayList<>();
        for (String a : row.args().split(" +")) {
            args.add(expand(a, caseDir));
        }
        return new Executed(caseDir, Hdkd.run(dist, caseDir, env, LIMIT, args.toArray(new String[0])));
    }

    private static String expand(String s, Path caseDir) {
        return s.replace("{fast}", fast.toString()).replace("{onnx}", onnx.toString())
                .replace("{files}", files.toString()).replace("{case}", caseDir.toString());
    }

    private static void check(Row row, Executed e) throws IOException {
        Hdkd.Result r = e.result();
        String all = r.out() + r.err();
        assertThat(r.code()).as(row.id() + ": exit code\n" + r).isEqualTo(row.exit());
        for (String want : row.output().split(" && ")) {
            String w = expand(want.strip(), e.caseDir());
            if (w.startsWith("!")) {
                assertThat(all).as(row.id() + "\n" + r).doesNotContain(w.substring(1));
            } else {
                assertThat(all).as(row.id() + "\n" + r).contains(w);
            }
        }
        if (row.exit() != 0) {
            assertThat(r.err()).as(row.id() + ": one error line, no stack trace\n" + r)
                    .doesNotContain("\tat ").doesNotContain("Exception in thread");
        }
        String then = row.then();
        if (then.equals("-")) {
            return;
        }
        String[] t = then.split(" ", 2);
        Path p = Path.of(expand(t[1], e.caseDir()));
        switch (t[0]) {
            case "absent" -> assertThat(p).as(row.id() + ": nothing written\n" + r).doesNotExist();
            case "no-tmp" -> {
                try (Stream<Path> s = Files.walk(p)) {
                    assertThat(s.map(x -> x.getFileName().toString()).filter(n -> n.contains(".tmp")).toList())
                            .as(row.id() + ": temporary files left behind\n" + r).isEmpty();
                }
            }
            default -> throw new IllegalArgumentException(row.id() + ": unknown 'then' " + then);
        }
    }

    /** Sets up one fixture in the case's folder; returns why the row cannot run here, or null. */
    private static String fixture(String name, Path caseDir) throws Exception {
        if (name.equals("-")) {
            return null;
        }
        if (name.startsWith("disk-")) {
            Path disk = Files.createDirectories(caseDir.resolve("disk"));
            int kib = Integer.parseInt(name.substring(5));
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", disk.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                return "cannot mount a small tmpfs here (" + out.strip() + "); the disk-full row needs one";
            }
            synchronized (mounts) {
                mounts.add(disk);
            }
            return null;
        }
        if (name.startsWith("coco")) {
            Path data = caseDir.resolve("data");
            copy(dataset, data);
            Path trainJson = data.resolve("annotations/instances_train.json");
            switch (name) {
                case "coco" -> { }
                case "coco-missing-image" -> Files.delete(first(data.resolve("images/train")));
                case "coco-garbage-image" -> Files.write(first(data.resolve("images/val")), new byte[] {1, 2, 3, 4});
                case "coco-empty" -> Files.writeString(trainJson, "{\"images\": [], \"annotations\": [], "
                        + "\"categories\": [{\"id\": 1, \"name\": \"disk\"}]}");
                case "coco-no-annotations" -> {
                    // images and categories as written (their entries hold no nested lists), no annotations
                    String json = Files.readString(trainJson);
                    Files.writeString(trainJson, "{\"images\": " + list(json, "images") + ", \"annotations\": [], "
                            + "\"categories\": " + list(json, "categories") + "}");
                }
                case "coco-truncated" -> {
                    String json = Files.readString(trainJson);
                    Files.writeString(trainJson, json.substring(0, json.length() / 2));
                }
                case "coco-escape" -> {
                    String json = Files.readString(trainJson);
                    Files.writeString(trainJson, json.replaceFirst("\"file_name\"\\s*:\\s*\"[^\"]*\"",
                            "\"file_name\": \"../../outside.png\""));
                }
                default -> throw new IllegalArgumentException("unknown fixture " + name);
            }
            return null;
        }
        if (name.startsWith("run")) {
            Path run = caseDir.resolve("run");
            copy(finishedRun, run);
            Path ckpts = run.resolve("checkpoints");
            switch (name) {
                case "run" -> { }
                case "run-random-latest" -> {
                    byte[] noise = new byte[256];
                    new java.util.SplittableRandom(17).nextBytes(noise);
                    Files.write(ckpts.resolve("latest"), noise);
                }
                case "run-damaged-newest" -> Files.write(ckpts.resolve("ckpt-00000004/model.params"),
                        new byte[] {7, 7, 7, 7});
                case "run-all-damaged" -> {
                    Files.writeString(ckpts.resolve("ckpt-00000004/state.json"), "{\"epoch\": 1,");
                    Files.writeString(ckpts.resolve("ckpt-00000002/state.json"), "");
                }
                default -> throw new IllegalArgumentException("unknown fixture " + name);
            }
            return null;
        }
        if (name.equals("badplugin")) {
            Path plugins = Files.createDirectories(caseDir.resolve("plugins"));
            Files.writeString(plugins.resolve("broken.jar"), "not a jar");
            return null;
        }
        throw new IllegalArgumentException("unknown fixture " + name);
    }

    private static String list(String json, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\"\\s*:\\s*(\\[[^\\]]*\\])")
                .matcher(json);
        assertThat(m.find()).as(key + " in the fixture's annotations").isTrue();
        return m.group(1);
    }

    private static Path first(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().findFirst().orElseThrow();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            walk.forEach(p -> {
                try {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
