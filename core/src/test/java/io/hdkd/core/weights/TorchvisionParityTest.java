package io.hdkd.core.weights;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.Backbone;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * hdkd's ResNet against torchvision's own classes: narrow networks with torchvision's state (fixtures made by
 * scripts/parity/make_resnet_fixture.py with torch 1.13 / torchvision 0.14), imported by name, run in inference mode.
 */
class TorchvisionParityTest {

    static Path fixture(String name) {
        try {
            return Path.of(TorchvisionParityTest.class.getResource("/parity/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    // parameters and buffers of the narrow torchvision networks (without fc), counted with torchvision
    @CsvSource({"resnet50, 0.125, 374152, 6640", "resnext50_32x4d, 0.25, 1450800, 17056"})
    void levelsMatchTorchvisionWithin1e4Relative(String type, String width, long parameters, long buffers) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone backbone = Backbones.initialized(type, Map.of("width", width), manager);
            ParameterSummary summary = ParameterSummary.of(backbone.block());
            assertThat(summary.total()).isEqualTo(parameters);
            assertThat(summary.statistics()).isEqualTo(buffers);
            WeightImport.Report report = WeightImport.importStateDict(backbone, fixture(type + ".weights.npz"));
            assertThat(report.loaded()).isEqualTo(53 * 5);
            assertThat(report.skipped()).hasSize(2 + 53).contains("fc.weight", "fc.bias", "bn1.num_batches_tracked");

            NDArray input = TensorFiles.readSingle(fixture(type + ".input.npy"), manager);
            Map<String, NDArray> ours = BackboneRunner.run(backbone, input, manager);
            Map<String, NDArray> theirs = TensorFiles.read(fixture(type + ".features.npz"), manager);
            assertThat(ours.keySet()).containsExactly("c2", "c3", "c4", "c5");
            for (String level : ours.keySet()) {
                NDArray a = ours.get(level);
                NDArray b = theirs.get(level);
                assertThat(a.getShape()).as(level).isEqualTo(b.getShape());
                float maxAbs = b.abs().max().getFloat();
                float maxDiff = a.sub(b).abs().max().getFloat();
                float relative = maxDiff / maxAbs;
                System.out.printf("parity %s %s: max|diff| %.3g, max|torchvision| %.3g, relative %.3g%n",
                        type, level, maxDiff, maxAbs, relative);
                assertThat(maxAbs).as(level).isGreaterThan(0.1f);
                assertThat(relative).as(level).isLessThanOrEqualTo(1e-4f);
            }
        }
    }
}
