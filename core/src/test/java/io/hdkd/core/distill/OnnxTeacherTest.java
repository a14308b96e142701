package io.hdkd.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Taps;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ONNX teacher path end to end, on a narrow torchvision RetinaNet backbone + FPN exported by
 * scripts/onnx/export_retinanet_fpn.py: the outputs must equal torchvision's own.
 */
class OnnxTeacherTest {

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(OnnxTeacherTest.class.getResource("/onnx/" + name).toURI());
    }

    private static List<OnnxTeacher.OutputSpec> pyramid() {
        return List.of("p3:8", "p4:16", "p5:32", "p6:64", "p7:128").stream()
                .map(s -> OnnxTeacher.OutputSpec.parse("teacher.onnx.outputs", s)).toList();
    }

    private static OnnxTeacher teacher(List<OnnxTeacher.OutputSpec> outs) throws Exception {
        return new OnnxTeacher(resource("retinanet_fpn_teacher.onnx"), "images", outs, Normalization.IMAGENET,
                Normalization.IMAGENET, null);
    }

    @Test
    void outputsEqualTorchvisionsAndCarryStridesAndChannels() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); OnnxTeacher t = teacher(pyramid());
                InputStream in = Files.newInputStream(resource("retinanet_fpn_expected.npz"))) {
            assertThat(t.levels()).containsExactly(new FeatureLevel("p3", 8, 16), new FeatureLevel("p4", 16, 16),
                    new FeatureLevel("p5", 32, 16), new FeatureLevel("p6", 64, 16), new FeatureLevel("p7", 128, 16));
            NDList expected = NDList.decode(m, in);
            NDArray input = expected.get("input");
            Taps taps = t.forward(input);
            for (String level : List.of("p3", "p4", "p5", "p6", "p7")) {
                NDArray want = expected.get(level);
                NDArray got = taps.get(level);
                assertThat(got.getShape()).isEqualTo(want.getShape());
                float maxAbs = want.abs().max().getFloat();
                float diff = got.sub(want).abs().max().getFloat();
                assertThat(diff / maxAbs).as(level).isLessThan(1e-4f);
                assertThat(taps.strides().get(level)).isEqualTo(t.levels().stream()
                        .filter(l -> l.name().equals(level)).findFirst().orElseThrow().stride());
            }
            // The result lives in the caller's engine (PyTorch), so the student's losses can use it directly.
            assertThat(taps.get("p3").getManager().getEngine().getEngineName()).isEqualTo("PyTorch");
        }
    }

    @Test
    void acceptsOtherInputSizesThroughDynamicAxes() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); OnnxTeacher t = teacher(pyramid())) {
            Taps taps = t.forward(m.randomNormal(new Shape(2, 3, 96, 128)));
            assertThat(taps.get("p3").getShape()).isEqualTo(new Shape(2, 16, 12, 16));
            assertThat(taps.get("p7").getShape()).isEqualTo(new Shape(2, 16, 1, 1));
        }
    }

    @Test
    void mismatchesAreOneLineErrorsNamingTheOutput() throws Exception {
        assertThatThrownBy(() -> teacher(List.of(OnnxTeacher.OutputSpec.parse("k", "p9:8"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("teacher.onnx.outputs: retinanet_fpn_teacher.onnx has no output named 'p9'; its outputs are"
                        + " [p3, p4, p5, p6, p7]");
        assertThatThrownBy(() -> new OnnxTeacher(resource("retinanet_fpn_teacher.onnx"), "image", pyramid(),
                Normalization.IMAGENET, Normalization.IMAGENET, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no input named 'image'")
                .hasMessageContaining("[images]");
        assertThatThrownBy(() -> OnnxTeacher.OutputSpec.parse("teacher.onnx.outputs", "p3:eight"))
                .hasMessageContaining("stride of output p3 must be a positive integer, got 'eight'");
        assertThatThrownBy(() -> OnnxTeacher.OutputSpec.parse("teacher.onnx.outputs", "p3"))
                .hasMessageContaining("expected name:stride");
        try (NDManager m = NDManager.newBaseManager();
                OnnxTeacher t = teacher(List.of(OnnxTeacher.OutputSpec.parse("k", "p3:16")))) {
            assertThatThrownBy(() -> t.forward(m.zeros(new Shape(1, 3, 64, 64))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("teacher.onnx.outputs: output p3 is 8x8 for a 64x64 input, which is not stride 16"
                            + " (expected 4x4)");
        }
        assertThatThrownBy(() -> new OnnxTeacher(Path.of("no/such.onnx"), "images", pyramid(), Normalization.IMAGENET,
                Normalization.IMAGENET, null)).hasMessage("teacher.onnx.path: no such file: no/such.onnx");
    }

    @Test
    void renormalisesTheStudentsInputForATeacherWithOtherStatistics() {
        try (NDManager m = NDManager.newBaseManager()) {
            Normalization student = Normalization.IMAGENET;
            Normalization teacher = new Normalization(new float[] {0, 0, 0}, new float[] {255, 255, 255});
            // A pixel of value 200 in every channel, normalised for the student...
            float[] px = new float[3];
            for (int c = 0; c < 3; c++) {
                px[c] = (200 - student.mean()[c]) / student.std()[c];
            }
            NDArray x = m.create(px, new Shape(1, 3, 1, 1));
            // ...is 200/255 for a teacher that wants 0..1 inputs.
            float[] out = student.convert(x, teacher).toFloatArray();
            for (float v : out) {
                assertThat(v).isCloseTo(200f / 255f, org.assertj.core.api.Assertions.within(1e-5f));
            }
            assertThat(student.convert(x, Normalization.IMAGENET)).isSameAs(x);
        }
    }
}
