package io.hdkd.core.weights;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.hdkd.api.Backbone;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
                assertClose(type + " " + level, ours.get(level), theirs.get(level), 0.1f);
            }
        }
    }

    /** Train mode: BatchNorm on batch statistics, running statistics updated with torch's momentum 0.1. */
    @Test
    void trainModeForwardAndRunningStatisticsMatchTorchvision() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone backbone = Backbones.initialized("resnet50", Map.of("width", "0.125"), manager);
            WeightImport.importStateDict(backbone, fixture("resnet50.weights.npz"));
            Map<String, NDArray> train = TensorFiles.read(fixture("resnet50.train.npz"), manager);
            NDList out = backbone.block().forward(new ParameterStore(manager, false), new NDList(train.get("x")), true);
            for (int i = 0; i < 4; i++) {
                String level = backbone.levels().get(i).name();
                assertClose("train " + level, out.get(i), train.get(level), 0.1f);
            }
            var parameters = backbone.block().getParameters();
            int checked = 0;
            for (Map.Entry<String, String> e : backbone.stateDictNames().entrySet()) {
                if (e.getKey().contains("running_")) {
                    NDArray after = parameters.get(e.getValue()).getArray();
                    assertClose(null, after, train.get("after." + e.getKey()), 1e-3f);
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(53 * 2);
        }
    }

    /** max|a - b| / max|b| <= 1e-4, with {@code b} not trivially small. */
    private static void assertClose(String label, NDArray a, NDArray b, float minMagnitude) {
        assertThat(a.getShape()).as(label).isEqualTo(b.getShape());
        float maxAbs = b.abs().max().getFloat();
        float maxDiff = a.sub(b).abs().max().getFloat();
        float relative = maxDiff / maxAbs;
        if (label != null) {
            System.out.printf("parity %s: max|diff| %.3g, max|torchvision| %.3g, relative %.3g%n",
                    label, maxDiff, maxAbs, relative);
        }
        assertThat(maxAbs).as(label).isGreaterThan(minMagnitude);
        assertThat(relative).as(label).isLessThanOrEqualTo(1e-4f);
    }
}
