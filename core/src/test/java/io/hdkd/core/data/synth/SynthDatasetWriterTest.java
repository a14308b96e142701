package io.hdkd.core.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hdkd.core.cli.Main;
import io.hdkd.core.progress.ProgressBar;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthDatasetWriterTest {

    private static SynthDatasetWriter.Result write(Path dir, SynthPreset preset, int images, long seed) {
        return SynthDatasetWriter.write(new SynthConfig(preset, images, 96, seed, 0.25), dir, null);
    }

    private static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot(@TempDir Path dir) throws IOException {
        write(dir.resolve("a"), SynthPreset.DENSE, 8, 7);
        write(dir.resolve("b"), SynthPreset.DENSE, 8, 7);
        write(dir.resolve("c"), SynthPreset.DENSE, 8, 8);
        Map<String, byte[]> a = contents(dir.resolve("a"));
        Map<String, byte[]> b = contents(dir.resolve("b"));
        Map<String, byte[]> c = contents(dir.resolve("c"));
        assertThat(a.keySet()).hasSize(8 + 3).isEqualTo(b.keySet());
        for (String name : a.keySet()) {
            assertThat(b.get(name)).as(name).isEqualTo(a.get(name));
        }
        assertThat(c.get("images/train/000001.png")).isNotEqualTo(a.get("images/train/000001.png"));
        assertThat(c.get("annotations/instances_train.json")).isNotEqualTo(a.get("annotations/instances_train.json"));
        // no temporary folder left next to the outputs
        try (Stream<Path> siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a", "b", "c");
        }
    }

    @Test
    void writesValidCocoSplitsWhoseBoxesLieInTheirImages(@TempDir Path dir) throws IOException {
        SynthDatasetWriter.Result r = write(dir, SynthPreset.DENSE, 8, 3);
        assertThat(r.train().images()).hasSize(6);
        assertThat(r.val().images()).hasSize(2);

        Set<Long> annotationIds = new HashSet<>();
        Set<Long> imageIds = new HashSet<>();
        for (String split : List.of("train", "val")) {
            JsonObject root = JsonParser.parseString(
                    Files.readString(dir.resolve("annotations/instances_" + split + ".json"))).getAsJsonObject();
            JsonArray cats = root.getAsJsonArray("categories");
            assertThat(cats).hasSize(ShapeClass.values().length);
            for (int i = 0; i < cats.size(); i++) {
                assertThat(cats.get(i).getAsJsonObject().get("id").getAsInt()).isEqualTo(i + 1);
            }
            Map<Long, int[]> sizes = new HashMap<>();
            for (JsonElement e : root.getAsJsonArray("images")) {
                JsonObject im = e.getAsJsonObject();
                assertThat(imageIds.add(im.get("id").getAsLong())).isTrue();
                Path png = dir.resolve("images").resolve(split).resolve(im.get("file_name").getAsString());
                BufferedImage img = ImageIO.read(png.toFile());
                assertThat(img.getWidth()).isEqualTo(im.get("width").getAsInt()).isEqualTo(96);
                assertThat(img.getHeight()).isEqualTo(im.get("height").getAsInt());
                sizes.put(im.get("id").getAsLong(), new int[] {img.getWidth(), img.getHeight()});
            }
            JsonArray anns = root.getAsJsonArray("annotations");
            assertThat(anns).isNotEmpty();
            for (JsonElement e : anns) {
                JsonObject an = e.getAsJsonObject();
                assertThat(annotationIds.add(an.get("id").getAsLong())).isTrue();
                assertThat(an.get("id").getAsLong()).isPositive();
                int[] wh = sizes.get(an.get("image_id").getAsLong());
                assertThat(wh).as("annotation's image is in the same split").isNotNull();
                assertThat(an.get("category_id").getAsInt()).isBetween(1, ShapeClass.values().length);
                JsonArray b = an.getAsJsonArray("bbox");
                double x = b.get(0).getAsDouble();
                double y = b.get(1).getAsDouble();
                double w = b.get(2).getAsDouble();
                double h = b.get(3).getAsDouble();
                assertThat(x).isGreaterThanOrEqualTo(0);
                assertThat(y).isGreaterThanOrEqualTo(0);
                assertThat(w).isPositive();
                assertThat(h).isPositive();
                assertThat(x + w).isLessThanOrEqualTo(wh[0]);
                assertThat(y + h).isLessThanOrEqualTo(wh[1]);
                double area = an.get("area").getAsDouble();
                assertThat(area).isPositive().isLessThanOrEqualTo(w * h);
                assertThat(an.get("iscrowd").getAsInt()).isZero();
            }
        }
        assertThat(imageIds).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);

        JsonObject stats = JsonParser.parseString(Files.readString(dir.resolve("stats.json"))).getAsJsonObject();
        JsonObject train = stats.getAsJsonObject("splits").getAsJsonObject("train");
        int trainObjects = r.train().images().stream().mapToInt(im -> im.objects().size()).sum();
        assertThat(train.get("objects").getAsInt()).isEqualTo(trainObjects);
        JsonObject hist = train.getAsJsonObject("area_histogram");
        assertThat(hist.get("small").getAsInt() + hist.get("medium").getAsInt() + hist.get("large").getAsInt())
                .isEqualTo(trainObjects);
    }

    @Test
    void presetsProduceTheirRegimes(@TempDir Path dir) {
        int size = 256;
        SynthDatasetWriter.Result dense = SynthDatasetWriter.write(
                new SynthConfig(SynthPreset.DENSE, 6, size, 1, 0), dir.resolve("dense"), null);
        SynthDatasetWriter.Result coarse = SynthDatasetWriter.write(
                new SynthConfig(SynthPreset.COARSE, 6, size, 1, 0), dir.resolve("coarse"), null);
        SynthDatasetWriter.Result sparse = SynthDatasetWriter.write(
                new SynthConfig(SynthPreset.SPARSE, 6, size, 1, 0), dir.resolve("sparse"), null);

        SynthStats d = dense.trainStats();
        assertThat(d.meanPerImage()).isGreaterThan(12);
        assertThat(d.medium() + d.large()).isZero();
        SynthStats c = coarse.trainStats();
        assertThat(c.maxPerImage()).isLessThanOrEqualTo(4);
        assertThat(c.minPerImage()).isGreaterThanOrEqualTo(1);
        assertThat(c.small()).isZero();
        assertThat(c.large()).isPositive();
        SynthStats s = sparse.trainStats();
        assertThat(s.maxPerImage()).isLessThanOrEqualTo(3);
        assertThat(s.medium() + s.large()).isZero();
        assertThat(s.dropped()).isZero();
        // sparse objects are tiny: every box side at most the preset's largest extent (plus rasterisation slack)
        sparse.train().images().forEach(im -> im.objects().forEach(o -> assertThat(Math.max(o.width(), o.height()))
                .isLessThanOrEqualTo(SynthPreset.SPARSE.maxSize(size) + 2)));
    }

    @Test
    void aFailureHalfWayLeavesNothingBehindAndKeepsTheOldOutput(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("ds");
        Files.createDirectories(out);
        Files.writeString(out.resolve("old.txt"), "old");
        // a progress sink that breaks after a few images, as a full disk or a kill would
        PrintStream failing = new PrintStream(new OutputStream() {
            private int bytes;

            @Override
            public void write(int b) {
                if (++bytes > 200) {
                    throw new IllegalStateException("disk full");
                }
            }
        });
        ProgressBar bar = new ProgressBar("synth", 10, "img", failing, false, System::nanoTime);
        assertThatThrownBy(() -> SynthDatasetWriter.write(new SynthConfig(SynthPreset.SPARSE, 10, 64, 1, 0.2), out,
                bar)).hasMessageContaining("disk full");
        try (Stream<Path> siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("ds");
        }
        assertThat(Files.readString(out.resolve("old.txt"))).isEqualTo("old");
    }

    @Test
    void cliRefusesToOverwriteWithoutForce(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("ds");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "x");
        String[] args = {"data", "synth", "--preset", "sparse", "--images", "3", "--size", "64", "--out", out.toString()};
        assertThat(Main.run(args)).isEqualTo(2);
        assertThat(out.resolve("keep.txt")).exists();

        String[] forced = {"data", "synth", "--preset", "sparse", "--images", "3", "--size", "64", "--out",
            out.toString(), "--force"};
        assertThat(Main.run(forced)).isZero();
        assertThat(out.resolve("keep.txt")).doesNotExist();
        assertThat(out.resolve("annotations/instances_train.json")).exists();
        assertThat(out.resolve("stats.json")).exists();

        assertThat(Main.run("data", "synth", "--preset", "crowded", "--out", dir.resolve("x").toString()))
                .isEqualTo(2);
        assertThat(Main.run("data", "synth", "--preset", "dense", "--val-fraction", "1.5", "--out",
                dir.resolve("y").toString())).isEqualTo(2);
        assertThat(dir.resolve("x")).doesNotExist();
    }
}
