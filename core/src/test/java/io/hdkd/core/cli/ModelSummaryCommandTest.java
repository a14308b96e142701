package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code hdkd model summary}: levels and parameter counts, checked against torchvision's RetinaNet counts. */
@ExtendWith(ClasspathPlugins.class)
class ModelSummaryCommandTest {

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The row of {@code part} in the counts table, split on blanks: PART TYPE TRAINABLE FROZEN TOTAL BN_STATS. */
    static String[] counts(String out, String part) {
        return Arrays.stream(out.split("\\R")).filter(l -> l.startsWith(part + " ")).map(l -> l.split("\\s+"))
                .filter(cols -> cols.length == 6).findFirst().orElseThrow(() -> new AssertionError(part + " in " + out));
    }

    @Test
    void retinaNetResnet50CountsMatchTorchvision() {
        // torchvision.models.detection.retinanet_resnet50_fpn(num_classes=91): head 6,691,415 parameters, body
        // (resnet50 without fc) 23,508,032.
        Result r = run("model", "summary", "--classes", "91", "--set", "model.backbone.type=resnet50",
                "--set", "model.neck.type=fpn", "--set", "model.head.type=retinanet");
        assertThat(r.code()).as(r.err()).isZero();
        System.out.print(r.out());
        String[] backbone = counts(r.out(), "backbone");
        assertThat(backbone[1]).isEqualTo("resnet50");
        assertThat(backbone[4]).isEqualTo("23,508,032");
        // 53 BatchNorms' running means and variances: 2 x 26,560 channels.
        assertThat(backbone[5]).isEqualTo("53,120");
        String[] head = counts(r.out(), "head");
        assertThat(head[1]).isEqualTo("retinanet");
        assertThat(head[4]).isEqualTo("6,691,415");
        String[] neck = counts(r.out(), "neck");
        String[] all = counts(r.out(), "all");
        long sum = Long.parseLong(backbone[4].replace(",", "")) + Long.parseLong(neck[4].replace(",", ""))
                + Long.parseLong(head[4].replace(",", ""));
        assertThat(Long.parseLong(all[4].replace(",", ""))).isEqualTo(sum);
        assertThat(r.out()).containsPattern("(?m)^backbone +c2 +4 +256$").containsPattern("(?m)^backbone +c5 +32 +2048$")
                .containsPattern("(?m)^neck +p3 +8 +256$").contains("classes 91");
    }

    @Test
    void readsAConfigFileAndItsOverrides() throws URISyntaxException {
        Path tiny = Path.of(getClass().getResource("/conf/tiny.properties").toURI());
        Result r = run("model", "summary", "--config", tiny.toString(), "--set", "model.neck.channels=16");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(counts(r.out(), "backbone")[1]).isEqualTo("resnet18");
        assertThat(r.out()).containsPattern("(?m)^neck +p3 +8 +16$").contains("classes 80, initialised for 128 x 128");
        assertThat(r.out()).doesNotContain("neck   p2");
    }

    @Test
    void badInputIsOneLine() {
        Result none = run("model", "summary");
        assertThat(none.code()).isEqualTo(ExitCodes.BAD_INPUT);
        Result noHead = run("model", "summary", "--set", "model.backbone.type=resnet18");
        assertThat(noHead.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noHead.err()).startsWith("hdkd: error: the configuration sets no model.head.type");
        assertThat(noHead.err().lines().count()).isEqualTo(1);
        Result badKey = run("model", "summary", "--set", "model.backbone.type=resnet18", "--set",
                "model.backbone.widht=0.5", "--set", "model.head.type=retinanet");
        assertThat(badKey.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badKey.err()).contains("model.backbone.widht");
    }
}
