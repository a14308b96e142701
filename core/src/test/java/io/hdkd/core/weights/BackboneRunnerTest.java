package io.hdkd.core.weights;

import static io.hdkd.core.weights.TorchvisionParityTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.Backbone;
import io.hdkd.api.InvalidInputException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneRunnerTest {

    @TempDir
    Path tmp;

    @Test
    void writesNamedLevelsAndRejectsNonImages() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone backbone = Backbones.initialized("resnet50", Map.of("width", "0.125"), manager);
            WeightImport.importStateDict(backbone, fixture("resnet50.weights.npz"));
            Path out = tmp.resolve("levels.npz");
            Map<String, Shape> shapes = BackboneRunner.run(backbone, fixture("resnet50.input.npy"), out);
            assertThat(shapes).containsExactly(Map.entry("c2", new Shape(1, 32, 16, 16)),
                    Map.entry("c3", new Shape(1, 64, 8, 8)), Map.entry("c4", new Shape(1, 128, 4, 4)),
                    Map.entry("c5", new Shape(1, 256, 2, 2)));
            Map<String, NDArray> written = TensorFiles.read(out, manager);
            Map<String, NDArray> expected = TensorFiles.read(fixture("resnet50.features.npz"), manager);
            assertThat(written.keySet()).containsExactly("c2", "c3", "c4", "c5");
            for (String level : written.keySet()) {
                assertThat(written.get(level).sub(expected.get(level)).abs().max().getFloat()).isLessThan(1e-3f);
            }
            Path weights = fixture("resnet50.features.npz");
            assertThatThrownBy(() -> BackboneRunner.run(backbone, weights, tmp.resolve("x.npz")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("exactly one array");
        }
    }
}
