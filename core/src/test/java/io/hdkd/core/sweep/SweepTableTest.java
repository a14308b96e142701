package io.hdkd.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ranked table from run folders with known evaluations. */
class SweepTableTest {

    @TempDir
    Path out;

    private SweepOutcome finished(Map<String, String> setting, long seed, double... apThenAp50PerEval)
            throws Exception {
        SweepRun run = new SweepRun(setting, seed);
        Path dir = Files.createDirectories(out.resolve(run.name()));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < apThenAp50PerEval.length; i += 2) {
            sb.append("{\"epoch\":").append(i / 2 + 1).append(",\"AP\":").append(apThenAp50PerEval[i])
                    .append(",\"AP50\":").append(apThenAp50PerEval[i + 1]).append("}\n");
        }
        Files.writeString(dir.resolve("eval.jsonl"), sb.toString());
        return new SweepOutcome(run, SweepOutcome.Status.DONE, 0, 1, dir.resolve("log"), "");
    }

    @Test
    void ranksByMeanApOfTheLastEvaluationWithSampleSpread() throws Exception {
        SweepGrid grid = SweepGrid.parse(List.of("lr=1,2,3"));
        List<SweepOutcome> outcomes = new ArrayList<>();
        // lr=1: final APs 0.2 and 0.4 (the earlier evaluation 0.9 does not count)
        outcomes.add(finished(Map.of("lr", "1"), 1, 0.9, 0.9, 0.2, 0.5));
        outcomes.add(finished(Map.of("lr", "1"), 2, 0.4, 0.7));
        // lr=2: one finished run at 0.35, one failed
        outcomes.add(finished(Map.of("lr", "2"), 1, 0.35, 0.6));
        outcomes.add(new SweepOutcome(new SweepRun(Map.of("lr", "2"), 2), SweepOutcome.Status.FAILED, 2, 1,
                out.resolve("x.log"), "hdkd: error: bad"));
        // lr=3: nothing finished
        outcomes.add(new SweepOutcome(new SweepRun(Map.of("lr", "3"), 1), SweepOutcome.Status.FAILED, 1, 1,
                out.resolve("y.log"), "crash"));
        SweepTable table = SweepTable.of(grid, outcomes, out);
        List<SweepTable.Row> rows = table.rows();
        assertThat(rows).extracting(r -> r.setting().get("lr")).containsExactly("2", "1", "3");
        assertThat(rows.get(1).mean("AP")).isCloseTo(0.3, within(1e-12));
        assertThat(rows.get(1).spread("AP")).isCloseTo(Math.sqrt(0.02), within(1e-12));
        assertThat(rows.get(1).mean("AP50")).isCloseTo(0.6, within(1e-12));
        assertThat(rows.get(0).spread("AP")).isNaN();
        assertThat(rows.get(0).failed()).containsExactly("lr=2__seed=2");
        table.write(out);
        assertThat(Files.readAllLines(out.resolve("results.csv"))).containsExactly(
                "rank,setting,lr,runs,finished,AP_mean,AP_std,AP50_mean,AP50_std,failed",
                "1,lr=2,2,2,1,0.3500,,0.6000,,lr=2__seed=2",
                "2,lr=1,1,2,2,0.3000,0.1414,0.6000,0.1414,",
                "3,lr=3,3,1,0,,,,,lr=3__seed=1");
        assertThat(Files.readString(out.resolve("results.html"))).contains("0.3000 &plusmn; 0.1414")
                .contains("<tr class=\"failed\">");
    }

    @Test
    void csvFieldsWithCommasAreQuoted() {
        assertThat(SweepTable.csvField("a=1, b=2")).isEqualTo("\"a=1, b=2\"");
        assertThat(SweepTable.csvField("say \"x\", y")).isEqualTo("\"say \"\"x\"\", y\"");
        assertThat(SweepTable.escape("<a&b>")).isEqualTo("&lt;a&amp;b&gt;");
    }
}
