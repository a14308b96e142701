package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hdkd.core.weights.TensorFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hdkd weights import/export} and {@code hdkd backbone run} on the torchvision parity fixtures (a resnet50 at
 * width 0.125 with torchvision's state, its input and its features; see scripts/parity/make_resnet_fixture.py).
 */
@ExtendWith(ClasspathPlugins.class)
class WeightsAndBackboneCommandTest {

    static final String NARROW = "model.backbone.width=0.125";

    @TempDir
    static Path tmp;

    /** The fixture weights imported once, shared by the tests that need a checkpoint. */
    static Path checkpoint;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path fixture(String name) {
        try {
            return Path.of(WeightsAndBackboneCommandTest.class.getResource("/parity/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void importFixture() {
        checkpoint = tmp.resolve("ckpt");
        Result r = run("weights", "import", "--arch", "resnet50", "--set", NARROW,
                "--from", fixture("resnet50.weights.npz").toString(), "--out", checkpoint.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("imported 265 tensors").contains("checkpoint: " + checkpoint);
        assertThat(checkpoint.resolve("checkpoint.json")).isRegularFile();
        assertThat(checkpoint.resolve("parameters.safetensors")).isRegularFile();
    }

    @Test
    void importedWeightsReproduceTorchvisionFeatures() {
        Path feats = tmp.resolve("feats.npz");
        Result r = run("backbone", "run", "--arch", "resnet50", "--set", NARROW, "--weights", checkpoint.toString(),
                "--input", fixture("resnet50.input.npy").toString(), "--out", feats.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("c2 (").contains("c5 (").contains("features: " + feats);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> ours = TensorFiles.read(feats, m);
            Map<String, NDArray> theirs = TensorFiles.read(fixture("resnet50.features.npz"), m);
            assertThat(ours.keySet()).containsExactly("c2", "c3", "c4", "c5");
            for (String level : ours.keySet()) {
                NDArray a = ours.get(level);
                NDArray b = theirs.get(level);
                assertThat(a.getShape()).as(level).isEqualTo(b.getShape());
                float maxAbs = b.abs().max().getFloat();
                assertThat(maxAbs).as(level).isGreaterThan(0.1f);
                assertThat(a.sub(b).abs().max().getFloat() / maxAbs).as(level).isLessThanOrEqualTo(1e-4f);
            }
        }
        // An existing output is kept without --force, replaced with it.
        Result again = run("backbone", "run", "--arch", "resnet50", "--set", NARROW, "--weights", checkpoint.toString(),
                "--input", fixture("resnet50.input.npy").toString(), "--out", feats.toString());
        assertThat(again.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).isEqualTo("hdkd: error: " + feats + " exists; pass --force to overwrite it"
                + System.lineSeparator());
        Result forced = run("backbone", "run", "--arch", "resnet50", "--set", NARROW, "--weights",
                checkpoint.toString(), "--input", fixture("resnet50.input.npy").toString(), "--out", feats.toString(),
                "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
    }

    @Test
    void exportGivesBackTheTorchvisionTensorsBitExact() {
        Path out = tmp.resolve("exported.safetensors");
        Result r = run("weights", "export", "--arch", "resnet50", "--set", NARROW, "--weights", checkpoint.toString(),
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> exported = TensorFiles.read(out, m);
            Map<String, NDArray> original = TensorFiles.read(fixture("resnet50.weights.npz"), m);
            assertThat(exported).hasSize(265);
            for (Map.Entry<String, NDArray> e : exported.entrySet()) {
                NDArray o = original.get(e.getKey());
                assertThat(o).as(e.getKey()).isNotNull();
                assertThat(e.getValue().contentEquals(o.toType(e.getValue().getDataType(), false)))
                        .as(e.getKey()).isTrue();
            }
        }
        Result again = run("weights", "export", "--arch", "resnet50", "--set", NARROW, "--weights",
                checkpoint.toString(), "--out", out.toString());
        assertThat(again.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("pass --force");
    }

    @Test
    void importRefusesToOverwriteWithoutForce() {
        Path dir = tmp.resolve("twice");
        String[] args = {"weights", "import", "--arch", "resnet50", "--set", NARROW,
            "--from", fixture("resnet50.weights.npz").toString(), "--out", dir.toString()};
        assertThat(run(args).code()).isZero();
        Result again = run(args);
        assertThat(again.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).isEqualTo("hdkd: error: " + dir + " exists; pass --force to overwrite it"
                + System.lineSeparator());
        String[] forced = java.util.Arrays.copyOf(args, args.length + 1);
        forced[args.length] = "--force";
        assertThat(run(forced).code()).isZero();
        assertThat(dir.resolve("checkpoint.json")).isRegularFile();
    }

    @Test
    void weightsThatDoNotFitAreListedAndNothingIsWritten() {
        Path dir = tmp.resolve("wide");
        // The fixture is a width-0.125 network: the default width does not fit any conv or BatchNorm.
        Result r = run("weights", "import", "--arch", "resnet50", "--from", fixture("resnet50.weights.npz").toString(),
                "--out", dir.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).startsWith("hdkd: error: " + fixture("resnet50.weights.npz") + ": weights do not fit")
                .contains("mis-shaped [conv1.weight").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(dir).doesNotExist();

        // resnet50 weights into a resnet18: bottleneck tensors the basic blocks do not have.
        Result other = run("weights", "import", "--arch", "resnet18", "--set", NARROW,
                "--from", fixture("resnet50.weights.npz").toString(), "--out", dir.toString());
        assertThat(other.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(other.err()).contains("unexpected").contains("layer1.0.conv3.weight");
        assertThat(dir).doesNotExist();
    }

    @Test
    void anUnknownArchListsTheBackbones() {
        Result r = run("weights", "import", "--arch", "resnet5O", "--from", fixture("resnet50.weights.npz").toString(),
                "--out", tmp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).startsWith("hdkd: error: ").contains("resnet5O").contains("resnet18").contains("resnet50");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void aBadInputArrayIsOneLine() throws Exception {
        Path rank3 = npy(tmp.resolve("rank3.npy"), "<f4", new int[] {3, 8, 8}, 4);
        Path doubles = npy(tmp.resolve("doubles.npy"), "<f8", new int[] {1, 3, 8, 8}, 8);
        Path feats = tmp.resolve("f.npz");
        for (Path bad : new Path[] {rank3, doubles}) {
            Result r = run("backbone", "run", "--arch", "resnet18", "--set", NARROW, "--input", bad.toString(),
                    "--out", feats.toString());
            assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(r.err()).startsWith("hdkd: error: " + bad + ": expected a float32 N x 3 x H x W array, got ")
                    .endsWith(")" + System.lineSeparator());
            assertThat(r.err().lines().count()).isEqualTo(1);
        }
        assertThat(feats).doesNotExist();
        Result missing = run("backbone", "run", "--arch", "resnet18", "--input", tmp.resolve("nope.npy").toString(),
                "--out", feats.toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("nope.npy: no such file");
        Result badOut = run("backbone", "run", "--arch", "resnet18", "--input", rank3.toString(),
                "--out", tmp.resolve("f.txt").toString());
        assertThat(badOut.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badOut.err()).contains("expected a .npz or .safetensors file name");
    }

    /** A zero-filled {@code .npy} (format 1.0) of the given dtype and shape. */
    static Path npy(Path file, String dtype, int[] shape, int itemSize) throws Exception {
        StringBuilder dims = new StringBuilder();
        long count = 1;
        for (int d : shape) {
            dims.append(d).append(", ");
            count *= d;
        }
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims.toString().strip()
                + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        byte[] h = header.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (h.length & 0xff), (byte) (h.length >> 8)});
        out.write(h);
        out.write(new byte[(int) count * itemSize]);
        Files.write(file, out.toByteArray());
        return file;
    }
}
