package io.hdkd.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run folder contract on hand-written folders: names, the last evaluation, step means, damage named by path. */
class RunFolderTest {

    @TempDir
    Path dir;

    private RunFolder folder(String steps, String evals) throws IOException {
        if (steps != null) {
            Files.writeString(dir.resolve("metrics.jsonl"), steps, StandardCharsets.UTF_8);
        }
        if (evals != null) {
            Files.writeString(dir.resolve("eval.jsonl"), evals, StandardCharsets.UTF_8);
        }
        return RunFolder.at(dir);
    }

    @Test
    void namesEveryPartOfTheFolder() {
        RunFolder f = RunFolder.at(dir);
        assertThat(f.config()).isEqualTo(dir.resolve("config.properties"));
        assertThat(f.data()).isEqualTo(dir.resolve("data"));
        assertThat(f.checkpoints()).isEqualTo(dir.resolve("checkpoints"));
        assertThat(f.steps()).isEqualTo(dir.resolve("metrics.jsonl"));
        assertThat(f.evaluations()).isEqualTo(dir.resolve("eval.jsonl"));
        assertThat(f.valDetections()).isEqualTo(dir.resolve("eval/detections_val.json"));
        assertThat(f.model()).isEqualTo(dir.resolve("model"));
        assertThat(f.report()).isEqualTo(dir.resolve("report.html"));
    }

    @Test
    void anEmptyFolderHoldsNoRunAndNoEvaluation() throws IOException {
        RunFolder f = RunFolder.at(dir);
        assertThat(f.holdsRun()).isFalse();
        assertThat(f.hasEvaluations()).isFalse();
        assertThat(f.stepRecords()).isEmpty();
        assertThat(f.lastEvaluation()).isEmpty();
        assertThat(f.stepMeans(List.of("step_ms"))).containsExactly(Map.entry("step_ms", Double.NaN));
        Files.writeString(f.config(), "run.seed = 1\n");
        assertThat(f.holdsRun()).isTrue();
    }

    @Test
    void theLastEvaluationIsTheLastLineInItsOrder() throws IOException {
        RunFolder f = folder(null, """
                {"epoch":1,"step":5,"AP":0.125,"AP50":0.25}
                {"epoch":2,"step":10,"AP":0.375,"AP50":NaN}

                """);
        assertThat(f.hasEvaluations()).isTrue();
        assertThat(f.evaluationRecords()).hasSize(2);
        assertThat(f.lastEvaluation()).hasValueSatisfying(m -> assertThat(m).containsExactly(Map.entry("epoch", 2.0),
                Map.entry("step", 10.0), Map.entry("AP", 0.375), Map.entry("AP50", Double.NaN)));
        assertThat(f.requireLastEvaluation("teacher")).containsEntry("AP", 0.375);
        assertThat(f.evaluationValuesUpTo(9)).singleElement().satisfies(m -> assertThat(m).containsEntry("AP", 0.125));
    }

    @Test
    void stepMeansAreOverTheStepsThatHaveTheKey() throws IOException {
        RunFolder f = folder("""
                {"epoch":1,"step":1,"step_ms":10.0,"teacher_ms":4.0}
                {"epoch":1,"step":2,"step_ms":20.0}
                {"epoch":1,"step":3,"step_ms":30.0,"teacher_ms":6.0}
                """, null);
        assertThat(f.stepMeans(List.of("step_ms", "teacher_ms", "nope"))).containsExactly(
                Map.entry("step_ms", 20.0), Map.entry("teacher_ms", 5.0), Map.entry("nope", Double.NaN));
        assertThat(f.stepValuesUpTo(2)).extracting(m -> m.get("step_ms")).containsExactly(10.0, 20.0);
    }

    @Test
    void aLastLineCutByAKillIsSkipped() throws IOException {
        RunFolder f = folder("{\"step\":1,\"step_ms\":10.0}\n{\"step\":2,\"step_ms\":30.0}\n{\"step\":3,\"st", null);
        assertThat(f.stepRecords()).hasSize(2);
        assertThat(f.stepMeans(List.of("step_ms"))).containsEntry("step_ms", 20.0);
    }

    @Test
    void aDamagedLineBeforeTheLastIsNamedByFileAndLine() throws IOException {
        RunFolder f = folder(null, "{\"step\":1,\"AP\":0.5}\nnot json\n{\"step\":2,\"AP\":0.6}\n");
        assertThatThrownBy(f::lastEvaluation).isInstanceOf(InvalidInputException.class)
                .hasMessage(dir.resolve("eval.jsonl") + " is damaged: line 2 is not a JSON object");
    }

    @Test
    void aValueThatIsNotANumberIsNamedByFileAndKey() throws IOException {
        RunFolder f = folder("{\"step\":1,\"step_ms\":\"fast\"}\n", "{\"step\":1,\"AP\":true}\n");
        assertThatThrownBy(f::lastEvaluation).isInstanceOf(InvalidInputException.class)
                .hasMessage(dir.resolve("eval.jsonl") + " is damaged: 'AP' is true, not a number");
        assertThatThrownBy(() -> f.stepMeans(List.of("step_ms"))).isInstanceOf(InvalidInputException.class)
                .hasMessage(dir.resolve("metrics.jsonl") + " is damaged: 'step_ms' is \"fast\", not a number");
    }

    @Test
    void aMissingEvaluationIsNamedByPathWhereItIsRequired() {
        assertThatThrownBy(() -> RunFolder.at(dir).requireLastEvaluation("teacher"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(dir.resolve("eval.jsonl") + ": no evaluation of teacher (expected the run's eval.jsonl "
                        + "with at least one line)");
    }

    @Test
    void aFolderInThePlaceOfAFileIsNamedByPath() throws IOException {
        Files.createDirectories(dir.resolve("metrics.jsonl"));
        assertThatThrownBy(() -> RunFolder.at(dir).stepRecords()).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("cannot read " + dir.resolve("metrics.jsonl"));
    }
}
