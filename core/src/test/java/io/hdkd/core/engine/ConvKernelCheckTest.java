package io.hdkd.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvKernelCheckTest {

    @Test
    void comparesAgainstTheReferenceScaleAndFailsOnNonFiniteValues() {
        assertThat(ConvKernelCheck.relativeError(new float[] {1f, 2f}, new float[] {1f, 2f})).isZero();
        assertThat(ConvKernelCheck.relativeError(new float[] {1f, 2.001f}, new float[] {1f, 2f}))
                .isCloseTo(5e-4, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(ConvKernelCheck.relativeError(new float[] {Float.NaN, 2f}, new float[] {1f, 2f})).isNaN();
        assertThat(ConvKernelCheck.differingElements(new float[] {0f, 1f, 2f}, new float[] {-0f, 1f, 2.0000002f}))
                .isEqualTo(2);
    }

    @Test
    void theShapesMatchTheirReferenceAndRepeatBitForBitInProcess() {
        // in this JVM, under the test runner's pinned ONEDNN_MAX_CPU_ISA; a few shapes, few repeats: the plumbing
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<ConvKernelCheck.ConvShape> shapes = List.of(ConvKernelCheck.SHAPES.get(3), ConvKernelCheck.SHAPES.get(6),
                ConvKernelCheck.SHAPES.get(13));

        boolean pass = ConvKernelCheck.run(shapes, List.of(1, 2), 3,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(pass).as(out).isTrue();
        assertThat(out).contains("nondeterministic=0", "result PASS").doesNotContain("fail ");
        assertThat(out.lines().filter(l -> l.startsWith("shape "))).hasSize(6);
    }
}
