package io.hdkd.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthPreset;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import io.hdkd.core.report.ComparisonReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart pipeline end to end on a tiny setup: every phase runs and the report holds the comparison. */
class QuickstartTest {

    static ComponentRegistry registry;

    @BeforeAll
    static void plugins() {
        registry = PluginManager.fromClasspath().registry();
    }

    /** The shipped setup shrunk: a few 64 px images, one or two epochs, narrow models. */
    static Quickstart.Setup tiny() {
        Quickstart.Setup d = Quickstart.Setup.defaults();
        Map<String, String> small = Map.of("data.loader.size", "64", "model.neck.channels", "16",
                "train.warmup-steps", "2", "train.epochs", "1", "train.eval-every", "1",
                "model.head.topk-candidates", "50", "model.head.max-detections", "20");
        return new Quickstart.Setup(new SynthConfig(SynthPreset.COARSE, 12, 64, Quickstart.TEACHER_SEED, 0.25),
                d.teacher(), d.student(), d.distill(), 1)
                .with("teacher", small).with("teacher", Map.of("train.epochs", "2", "model.neck.channels", "24"))
                .with("student", small);
    }

    @Test
    void runsEveryPhaseAndWritesTheComparison(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("qs");
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        Quickstart.Outcome o = Quickstart.run(tiny(), registry, out, List.of(3L), null, false,
                new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(o.report()).isEqualTo(out.resolve("report.html")).isRegularFile();
        for (String run : List.of("teacher", "student-seed-3", "distilled-seed-3")) {
            assertThat(out.resolve(run).resolve("eval.jsonl")).as(run).isRegularFile();
            assertThat(out.resolve(run).resolve("model/model.params")).as(run).isRegularFile();
        }
        // every run read the one generated dataset
        assertThat(out.resolve("data/annotations/instances_val.json")).isRegularFile();
        assertThat(Files.readString(out.resolve("student-seed-3/config.properties")))
                .contains("dataset.root").contains("run.seed = 3");
        // both students have the same budget
        assertThat(ComparisonReport.finalMetrics(new ComparisonReport.Run("a", out.resolve("student-seed-3"))))
                .containsEntry("epoch", 1.0);
        assertThat(ComparisonReport.finalMetrics(new ComparisonReport.Run("d", out.resolve("distilled-seed-3"))))
                .containsEntry("epoch", 1.0);
        String html = Files.readString(o.report());
        assertThat(html).contains("<td class=\"l\">teacher</td>").contains("<td class=\"l\">student alone</td>")
                .contains("<td class=\"l\">distilled student</td>").contains("gap recovered").contains("<svg ");
        assertThat(o.summary().seeds()).hasSize(1);
        String phases = log.toString(StandardCharsets.UTF_8);
        assertThat(phases).contains("quickstart [1/5] synthetic data").contains("quickstart [2/5] teacher")
                .contains("quickstart [3/5] student alone, seed 3").contains("quickstart [4/5] distilled student")
                .contains("quickstart [5/5] report");

        // an existing folder is refused without force, before anything is trained
        assertThatThrownBy(() -> Quickstart.run(tiny(), registry, out, List.of(3L), null, false, System.err))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(out.toString())
                .hasMessageContaining("--force");
    }

    @Test
    void aBadKeyIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) {
        Quickstart.Setup bad = tiny().with("student", Map.of("train.epoks", "3"));
        Path out = tmp.resolve("qs");

        assertThatThrownBy(() -> Quickstart.run(bad, registry, out, List.of(1L), null, false, System.err))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("train.epoks");
        assertThat(out).doesNotExist();
    }
}
