package io.hdkd.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.hdkd.core.cli.ExitCodes;
import io.hdkd.core.cli.Main;
import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthDatasetWriter;
import io.hdkd.core.data.synth.SynthPreset;
import io.hdkd.core.progress.ProgressBar;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validation pass through the command line: {@code config check} refuses what {@code train} refuses (the values
 * of issue #17's first case), a refused {@code train} leaves no run folder, and a dataset on disk is checked file by
 * file before any work.
 */
class ValidationPassTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path tiny;
    static Path dataset;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void setUp() throws Exception {
        System.setProperty("hdkd.plugins.classpath", "true");
        tiny = Path.of(ValidationPassTest.class.getResource("/conf/tiny.properties").toURI());
        dataset = shared.resolve("data");
        try (ProgressBar bar = new ProgressBar("synth", 6, "img", new java.io.PrintStream(
                java.io.OutputStream.nullOutputStream()), false, System::nanoTime)) {
            SynthDatasetWriter.write(new SynthConfig(SynthPreset.COARSE, 6, 64, 3, 0.34), dataset, bar);
        }
    }

    @AfterAll
    static void clear() {
        System.clearProperty("hdkd.plugins.classpath");
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource({
        "train.epochs=-3, train.epochs",
        "train.lr=0, train.lr",
        "data.loader.batch-size=-1, data.loader.batch-size",
        "data.loader.workers=-1, data.loader.workers",
        "model.backbone.width=0, model.backbone.width",
        "model.neck.channels=0, model.neck.channels",
        "dataset.synthetic-images=0, dataset.synthetic-images",
        "train.milestones=a, train.milestones",
        "data.loader.max-size=10, data.loader.max-size",
        "model.head.bg-iou=0.9, model.head.bg-iou",
    })
    void configCheckAndTrainRefuseTheSameValueNamingTheKey(String set, String key) {
        Result check = run("config", "check", tiny.toString(), "--set", set);
        assertThat(check.code()).as(check.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(check.out()).doesNotContain("OK");
        assertThat(check.err()).startsWith("hdkd: error: ").contains(key).doesNotContain("--images");

        Path out = dir.resolve("run");
        Result train = run("train", "--config", tiny.toString(), "--set", set, "--out", out.toString());
        assertThat(train.code()).as(train.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(train.err()).contains(key);
        assertThat(out).as("a refused run leaves nothing behind").doesNotExist();
    }

    @Test
    void configCheckListsEveryProblemOneLineEach() {
        Result r = run("config", "check", tiny.toString(), "--set", "train.lr=0", "--set", "model.head.bg-iou=0.9",
                "--set", "data.augment.crop-scale=2,3");
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err().lines().filter(l -> l.startsWith("hdkd: error: ")).toList()).hasSize(3);
    }

    @Test
    void aValidConfigurationStillPasses() {
        Result r = run("config", "check", tiny.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).startsWith("OK: ");
    }

    @Test
    void synthesisThatLeavesASplitEmptyIsRefusedNamingTheKeys() {
        Result r = run("config", "check", tiny.toString(), "--set", "dataset.synthetic-images=1");
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("dataset.synthetic-images = 1").contains("dataset.synthetic-val-fraction");
    }

    private List<String> onDisk(Path root) {
        List<String> sets = new ArrayList<>(List.of("--set", "dataset.synthetic=none", "--set",
                "dataset.root=" + root));
        return sets;
    }

    private Result checkData(Path root) {
        List<String> args = new ArrayList<>(List.of("config", "check", tiny.toString()));
        args.addAll(onDisk(root));
        return run(args.toArray(new String[0]));
    }

    @Test
    void aDatasetOnDiskPasses() {
        Result r = checkData(dataset);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void aMissingImageIsFoundBeforeAnyWork() throws Exception {
        Path copy = copyDataset("missing");
        Path image;
        try (var files = Files.list(copy.resolve("images/train"))) {
            image = files.sorted().findFirst().orElseThrow();
        }
        Files.delete(image);
        Result r = checkData(copy);
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains(image.getFileName().toString());

        Path out = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--config", tiny.toString(), "--out", out.toString()));
        args.addAll(onDisk(copy));
        Result train = run(args.toArray(new String[0]));
        assertThat(train.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(out).doesNotExist();
    }

    @Test
    void anImageWhoseHeaderDoesNotDecodeIsFound() throws Exception {
        Path copy = copyDataset("garbage");
        Path image;
        try (var files = Files.list(copy.resolve("images/val"))) {
            image = files.sorted().findFirst().orElseThrow();
        }
        Files.write(image, new byte[] {1, 2, 3, 4, 5});
        Result r = checkData(copy);
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains(image.getFileName().toString());
    }

    @Test
    void anEmptyDatasetIsRefused() throws Exception {
        Path copy = copyDataset("empty");
        Files.writeString(copy.resolve("annotations/instances_train.json"),
                "{\"images\": [], \"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"a\"}]}");
        Result r = checkData(copy);
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("instances_train.json").contains("holds no images");
    }

    private Path copyDataset(String name) throws Exception {
        Path copy = dir.resolve(name);
        try (var walk = Files.walk(dataset)) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(dataset.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }
}
