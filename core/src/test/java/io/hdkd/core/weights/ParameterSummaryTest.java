package io.hdkd.core.weights;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.hdkd.api.Backbone;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterSummaryTest {

    @Test
    void countsTrainableFrozenAndStatisticsLikeTorchvision() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone backbone = Backbones.initialized("resnet50", Map.of("frozen-stages", "1"), manager);
            ParameterSummary summary = ParameterSummary.of(backbone.block());
            // torchvision 0.14 resnet50 without fc: 23,508,032 parameters; conv1+bn1+layer1 hold 225,344 of them;
            // running means and variances (buffers) 53,120 elements.
            assertThat(summary.total()).isEqualTo(23_508_032L);
            assertThat(summary.frozen()).isEqualTo(225_344L);
            assertThat(summary.trainable()).isEqualTo(23_508_032L - 225_344L);
            assertThat(summary.statistics()).isEqualTo(53_120L);
            assertThat(summary.tensors()).isEqualTo(53 * 5);
            assertThat(summary.toString()).startsWith("23,508,032 parameters");
        }
    }
}
