package io.hdkd.core.weights;

import static io.hdkd.core.weights.TorchvisionParityTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.hdkd.api.Backbone;
import io.hdkd.api.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightRoundTripTest {

    private static final Map<String, String> NARROW = Map.of("width", "0.125");

    @TempDir
    Path tmp;

    private static Map<String, byte[]> bytesByPath(Backbone backbone) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : backbone.block().getParameters()) {
            NDArray a = p.getValue().getArray();
            byte[] b = new byte[a.toByteBuffer().remaining()];
            a.toByteBuffer().get(b);
            values.put(p.getKey(), b);
        }
        return values;
    }

    private static byte[] bytes(NDArray a) {
        var buffer = a.toByteBuffer();
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    @Test
    void importThenExportIsLosslessInBothFormats() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone backbone = Backbones.initialized("resnet50", NARROW, manager);
            WeightImport.importStateDict(backbone, fixture("resnet50.weights.npz"));
            Map<String, NDArray> original = TensorFiles.read(fixture("resnet50.weights.npz"), manager);
            for (String name : new String[] {"exported.npz", "exported.safetensors"}) {
                Path file = tmp.resolve(name);
                WeightExport.export(backbone, file);
                Map<String, NDArray> exported = TensorFiles.read(file, manager);
                assertThat(exported.keySet()).containsExactlyInAnyOrderElementsOf(backbone.stateDictNames().keySet());
                for (Map.Entry<String, NDArray> e : exported.entrySet()) {
                    NDArray source = original.get(e.getKey()).toType(DataType.FLOAT32, true);
                    assertThat(e.getValue().getDataType()).isEqualTo(DataType.FLOAT32);
                    assertThat(bytes(e.getValue())).as(name + " " + e.getKey()).isEqualTo(bytes(source));
                }
                Backbone fresh = Backbones.initialized("resnet50", NARROW, manager);
                WeightImport.Report report = WeightImport.importStateDict(fresh, file);
                assertThat(report.skipped()).isEmpty();
                Map<String, byte[]> a = bytesByPath(backbone);
                Map<String, byte[]> b = bytesByPath(fresh);
                a.forEach((path, value) -> assertThat(b.get(path)).as(path).isEqualTo(value));
            }
        }
    }

    @Test
    void checkpointSavesAndLoadsEveryParameterBitExactly() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone backbone = Backbones.initialized("resnet50", NARROW, manager);
            WeightImport.importStateDict(backbone, fixture("resnet50.weights.npz"));
            Path dir = tmp.resolve("ckpt");
            BackboneCheckpoint.save(backbone, dir, false);
            assertThat(dir.resolve("checkpoint.json")).content().contains("hdkd-backbone-checkpoint");
            assertThat(dir.resolve("parameters.safetensors")).exists();
            try (var entries = Files.list(tmp)) {
                assertThat(entries).containsExactly(dir); // no temporary leftovers
            }
            assertThatThrownBy(() -> BackboneCheckpoint.save(backbone, dir, false))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("--force");
            BackboneCheckpoint.save(backbone, dir, true);

            Backbone fresh = Backbones.initialized("resnet50", NARROW, manager);
            BackboneCheckpoint.load(fresh, dir);
            Map<String, byte[]> a = bytesByPath(backbone);
            Map<String, byte[]> b = bytesByPath(fresh);
            assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
            a.forEach((path, value) -> assertThat(b.get(path)).as(path).isEqualTo(value));

            Backbone other = Backbones.initialized("resnet50", Map.of("width", "0.25"), manager);
            assertThatThrownBy(() -> BackboneCheckpoint.load(other, dir))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("mis-shaped");
            assertThatThrownBy(() -> BackboneCheckpoint.load(other, tmp))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("not an hdkd backbone checkpoint");
        }
    }

    @Test
    void misfitsAreListedInOneLineAndNothingIsWritten() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone wider = Backbones.initialized("resnet50", Map.of("width", "0.25"), manager);
            Map<String, byte[]> before = bytesByPath(wider);
            assertThatThrownBy(() -> WeightImport.importStateDict(wider, fixture("resnet50.weights.npz")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("resnet50.weights.npz")
                    .hasMessageContaining("mis-shaped [conv1.weight (8, 3, 7, 7) vs model (16, 3, 7, 7)")
                    .hasMessageNotContaining("\n");
            Map<String, byte[]> after = bytesByPath(wider);
            before.forEach((path, value) -> assertThat(after.get(path)).as(path).isEqualTo(value));

            Backbone resnet18 = Backbones.initialized("resnet18", NARROW, manager);
            assertThatThrownBy(() -> WeightImport.importStateDict(resnet18, fixture("resnet50.weights.npz")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("unexpected [layer1.0.conv3.weight")
                    .hasMessageContaining("more]");

            // A state dict with one tensor missing and one stray tensor.
            Backbone backbone = Backbones.initialized("resnet50", NARROW, manager);
            Map<String, NDArray> tensors = new LinkedHashMap<>(TensorFiles.read(fixture("resnet50.weights.npz"), manager));
            tensors.remove("layer2.1.bn2.running_var");
            tensors.put("layer5.0.conv1.weight", manager.zeros(new ai.djl.ndarray.types.Shape(2, 2)));
            Path broken = tmp.resolve("broken.safetensors");
            TensorFiles.write(broken, tensors);
            assertThatThrownBy(() -> WeightImport.importStateDict(backbone, broken))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("1 missing [layer2.1.bn2.running_var]")
                    .hasMessageContaining("1 unexpected [layer5.0.conv1.weight]");
            assertThatThrownBy(() -> WeightImport.importStateDict(backbone, tmp.resolve("nope.npz")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("no such file");
        }
    }

    @Test
    void prefixSelectsASubtreeOfADetectionCheckpoint() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> prefixed = new LinkedHashMap<>();
            TensorFiles.read(fixture("resnet50.weights.npz"), manager)
                    .forEach((k, v) -> prefixed.put("backbone.body." + k, v));
            prefixed.put("head.cls.weight", manager.ones(new ai.djl.ndarray.types.Shape(3)));
            Path file = tmp.resolve("detector.npz");
            TensorFiles.write(file, prefixed);
            Backbone backbone = Backbones.initialized("resnet50", NARROW, manager);
            assertThat(WeightImport.importStateDict(backbone, file, "backbone.body.").loaded()).isEqualTo(265);
        }
    }
}
