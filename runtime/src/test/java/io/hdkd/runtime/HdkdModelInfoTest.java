package io.hdkd.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.MalformedModelException;
import io.hdkd.api.export.DetectionOutputs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HdkdModelInfoTest {

    @Test
    void theFormatsNamesAreTheExportersNames() {
        assertThat(HdkdModelInfo.INPUT).isEqualTo(DetectionOutputs.INPUT);
        assertThat(HdkdModelInfo.BOXES).isEqualTo(DetectionOutputs.BOXES);
        assertThat(HdkdModelInfo.SCORES).isEqualTo(DetectionOutputs.SCORES);
        assertThat(HdkdModelInfo.LABELS).isEqualTo(DetectionOutputs.LABELS);
        assertThat(HdkdModelInfo.CLASS_NAMES).isEqualTo(DetectionOutputs.CLASS_NAMES);
        assertThat(HdkdModelInfo.CATEGORY_IDS).isEqualTo(DetectionOutputs.CATEGORY_IDS);
        assertThat(HdkdModelInfo.INPUT_SIZE).isEqualTo(DetectionOutputs.INPUT_SIZE);
        assertThat(HdkdModelInfo.MEAN).isEqualTo(DetectionOutputs.MEAN);
        assertThat(HdkdModelInfo.STD).isEqualTo(DetectionOutputs.STD);
        assertThat(HdkdModelInfo.HEAD_TYPE).isEqualTo(DetectionOutputs.HEAD_TYPE);
        assertThat(HdkdModelInfo.DECODED).isEqualTo(DetectionOutputs.DECODED);
        assertThat(HdkdModelInfo.VERSION).isEqualTo(DetectionOutputs.VERSION);
        assertThat(HdkdModelInfo.CONFIG).isEqualTo(DetectionOutputs.CONFIG);
    }

    @Test
    void readsAnExportsMetadata() throws Exception {
        HdkdModelInfo info = HdkdModelInfo.fromMetadata(Fixtures.metadata(64, "shorter", 64, 48, 64), "m.onnx");
        assertThat(info.classNames()).containsExactly("circle", "square");
        assertThat(info.categoryIds()).containsExactly(1, 2);
        assertThat(info.inputSize()).isEqualTo(64);
        assertThat(info.mean()).containsExactly(0.5f, 0.25f, 0f);
        assertThat(info.std()).containsExactly(0.5f, 0.25f, 2f);
        assertThat(info.resize()).isEqualTo(new HdkdModelInfo.Resize(false, 64, 48, 64));
        assertThat(info.headType()).isEqualTo("retinanet");
    }

    @Test
    void theLoadersScaleRules() {
        // longer: the longer side becomes size
        assertThat(new HdkdModelInfo.Resize(true, 64, 800, 1333).scaleFor(200, 100)).isEqualTo(0.32);
        // shorter: the shorter side becomes min-size ...
        assertThat(new HdkdModelInfo.Resize(false, 64, 40, 100).scaleFor(100, 50)).isEqualTo(0.8);
        // ... unless the longer would pass max-size
        assertThat(new HdkdModelInfo.Resize(false, 64, 40, 60).scaleFor(100, 50)).isEqualTo(0.6);
    }

    @Test
    void aModelHdkdDidNotExportIsNamedWithWhatWasExpected() {
        assertThatThrownBy(() -> HdkdModelInfo.fromMetadata(Map.of("author", "someone"), "/m/other.onnx"))
                .isInstanceOf(MalformedModelException.class)
                .hasMessageContaining("/m/other.onnx has no hdkd metadata")
                .hasMessageContaining("hdkd export --decode")
                .hasMessageContaining("[author]");
    }

    @Test
    void aRawExportIsRefusedWithTheWayToDecode() {
        Map<String, String> m = Fixtures.metadata(64, "longer", 64, 800, 1333);
        m.put("hdkd.decoded", "false");
        assertThatThrownBy(() -> HdkdModelInfo.fromMetadata(m, "raw.onnx"))
                .isInstanceOf(MalformedModelException.class)
                .hasMessageContaining("raw.onnx is a raw export")
                .hasMessageContaining("boxes, scores, labels")
                .hasMessageContaining("hdkd export --decode");
    }

    @Test
    void missingOrBadValuesAreNamed() {
        Map<String, String> noConfig = Fixtures.metadata(64, "longer", 64, 800, 1333);
        noConfig.remove("hdkd.config");
        assertThatThrownBy(() -> HdkdModelInfo.fromMetadata(noConfig, "a.onnx"))
                .hasMessageContaining("a.onnx has no metadata hdkd.config");

        Map<String, String> dynamic = Fixtures.metadata(64, "longer", 64, 800, 1333);
        dynamic.put("hdkd.input_size", "dynamic");
        assertThatThrownBy(() -> HdkdModelInfo.fromMetadata(dynamic, "b.onnx"))
                .hasMessageContaining("b.onnx: hdkd.input_size is 'dynamic'; expected a fixed size");

        Map<String, String> mean = Fixtures.metadata(64, "longer", 64, 800, 1333);
        mean.put("hdkd.mean", "0.5,0.5");
        assertThatThrownBy(() -> HdkdModelInfo.fromMetadata(mean, "c.onnx"))
                .hasMessageContaining("c.onnx: hdkd.mean is '0.5,0.5'; expected three numbers r,g,b");

        assertThatThrownBy(() -> HdkdModelInfo.fromMetadata(Fixtures.metadata(64, "square", 64, 800, 1333),
                "d.onnx")).hasMessageContaining("data.loader.resize = 'square'; expected longer or shorter");
    }
}
