package io.hdkd.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthDatasetWriter;
import io.hdkd.core.data.synth.SynthPreset;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.eval.CocoResults;
import io.hdkd.core.run.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonReportTest {

    @TempDir
    Path tmp;

    /** A run folder with a fabricated training history ending at {@code finalAp}, and detections on {@code val}. */
    private ComparisonReport.Run run(String label, double finalAp, DetectionDataset val, List<String> lossTerms)
            throws IOException {
        Path dir = tmp.resolve(label.replace(' ', '-'));
        Files.createDirectories(dir.resolve("eval"));
        StringBuilder steps = new StringBuilder();
        for (int s = 1; s <= 20; s++) {
            steps.append(String.format(Locale.ROOT, "{\"epoch\":%d,\"batch\":%d,\"step\":%d,\"lr\":0.01,\"loss\":%.4f",
                    (s - 1) / 5 + 1, (s - 1) % 5 + 1, s, 2.0 / s));
            for (String t : lossTerms) {
                steps.append(String.format(Locale.ROOT, ",\"loss_%s\":%.4f", t, 1.0 / s));
            }
            steps.append("}\n");
        }
        Files.writeString(dir.resolve(RunFolder.STEPS), steps.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(RunFolder.EVALUATIONS), String.format(Locale.ROOT,
                "{\"epoch\":2,\"step\":10,\"AP\":%.4f,\"AP50\":0.3,\"AP75\":0.1,\"APs\":-1.0,\"APm\":0.05,\"APl\":0.2}\n"
                        + "{\"epoch\":4,\"step\":20,\"AP\":%.4f,\"AP50\":0.6,\"AP75\":0.4,\"APs\":-1.0,\"APm\":0.25,"
                        + "\"APl\":0.5}\n", finalAp / 2, finalAp), StandardCharsets.UTF_8);
        List<CocoDetection> dets = new ArrayList<>();
        for (ImageRecord rec : val.images()) {
            for (ObjectAnnotation a : rec.objects()) {
                dets.add(new CocoDetection(rec.id(), val.categories().get(a.classIndex()).cocoId(), a.x() + 1, a.y(),
                        a.width(), a.height(), 0.9));
            }
            // below the drawing threshold: scored, never drawn
            dets.add(new CocoDetection(rec.id(), val.categories().get(0).cocoId(), 1, 1, 5, 5, 0.05));
        }
        CocoResults.write(dir.resolve("eval/detections_val.json"), dets);
        return new ComparisonReport.Run(label, dir);
    }

    private DetectionDataset val() {
        return SynthDatasetWriter.write(new SynthConfig(SynthPreset.COARSE, 8, 64, 3, 0.25), tmp.resolve("data"), null)
                .val();
    }

    @Test
    void summaryGivesGainAndGapRecoveredPerSeedAndTheirSpread() throws IOException {
        DetectionDataset val = val();
        ComparisonReport.Run teacher = run("teacher", 0.50, val, List.of("cls", "box"));
        ComparisonReport.Comparison c = new ComparisonReport.Comparison("t", "", teacher, List.of(
                new ComparisonReport.Seed(1, run("alone 1", 0.30, val, List.of()), run("kd 1", 0.40, val, List.of())),
                new ComparisonReport.Seed(2, run("alone 2", 0.20, val, List.of()), run("kd 2", 0.22, val, List.of())),
                new ComparisonReport.Seed(3, run("alone 3", 0.25, val, List.of()),
                        run("kd 3", 0.24, val, List.of()))));

        ComparisonReport.Summary s = ComparisonReport.summarize(c);

        assertThat(s.teacherAp()).isEqualTo(0.50);
        assertThat(s.seeds().get(0).gain()).isCloseTo(0.10, within(1e-9));
        assertThat(s.seeds().get(1).gain()).isCloseTo(0.02, within(1e-9));
        assertThat(s.seeds().get(2).gain()).isCloseTo(-0.01, within(1e-9));
        assertThat(s.seeds().get(0).gapRecovered()).isCloseTo(0.10 / 0.20, within(1e-9));
        assertThat(s.seeds().get(1).gapRecovered()).isCloseTo(0.02 / 0.30, within(1e-9));
        assertThat(s.meanGain()).isCloseTo(0.11 / 3, within(1e-9));
        double m = 0.11 / 3;
        double std = Math.sqrt(((0.10 - m) * (0.10 - m) + (0.02 - m) * (0.02 - m) + (-0.01 - m) * (-0.01 - m)) / 2);
        assertThat(s.gainStd()).isCloseTo(std, within(1e-9));
        assertThat(s.minGain()).isCloseTo(-0.01, within(1e-9));
        assertThat(s.seedsImproved()).isEqualTo(2);
    }

    @Test
    void gapRecoveredIsUndefinedWhenTheTeacherIsNotBetter() throws IOException {
        DetectionDataset val = val();
        ComparisonReport.Comparison c = new ComparisonReport.Comparison("t", "", run("teacher", 0.2, val, List.of()),
                List.of(new ComparisonReport.Seed(1, run("alone", 0.3, val, List.of()),
                        run("kd", 0.35, val, List.of()))));

        ComparisonReport.SeedResult r = ComparisonReport.summarize(c).seeds().get(0);

        assertThat(r.gain()).isCloseTo(0.05, within(1e-9));
        assertThat(r.gapRecovered()).isNaN();
    }

    @Test
    void writesOneSelfContainedPageWithTableCurvesAndSamples() throws IOException {
        DetectionDataset val = val();
        ComparisonReport.Run teacher = run("teacher", 0.50, val, List.of("cls", "box"));
        ComparisonReport.Run alone = run("student alone", 0.30, val, List.of("cls", "box"));
        ComparisonReport.Run kd = run("distilled student", 0.40, val, List.of("cls", "box", "pkd"));
        Path page = tmp.resolve("out/report.html");
        Files.createDirectories(page.getParent());

        Path written = ComparisonReport.write(page, new ComparisonReport.Comparison("hdkd quickstart",
                "student: resnet18 x0.125", teacher, List.of(new ComparisonReport.Seed(7, alone, kd))), val, 2);

        assertThat(written).isEqualTo(page);
        String html = Files.readString(page);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1>hdkd quickstart</h1>")
                .contains("student: resnet18 x0.125");
        // the metrics table: every model with its six stats, pycocotools' -1 shown as a dash
        for (String k : ComparisonReport.STATS) {
            assertThat(html).contains("<th>" + k + "</th>");
        }
        assertThat(html).contains("<td class=\"l\">teacher</td><td>0.5000</td><td>0.6000</td><td>0.4000</td>"
                + "<td>&ndash;</td><td>0.2500</td><td>0.5000</td>");
        assertThat(html).contains("<td class=\"l\">distilled student</td><td>0.4000</td>");
        // gain 0.10 of a 0.20 gap: half recovered
        assertThat(html).contains("+0.1000").contains("50%");
        // three charts, the distilled run's own loss terms among them
        assertThat(countOf(html, "<svg ")).isEqualTo(3);
        assertThat(html).contains("Loss terms of distilled student").contains(">pkd<");
        // 2 sample rows x (ground truth + 3 models), embedded, nothing fetched from elsewhere
        assertThat(countOf(html, "src=\"data:image/png;base64,")).isEqualTo(8);
        assertThat(html).doesNotContain("<script").doesNotContain("<link")
                .doesNotContain("src=\"http");
        // the low-score decoy is scored but not drawn: each model figure shows only the real objects
        ImageRecord firstImage = val.images().stream().min((a, b) -> Long.compare(a.id(), b.id())).orElseThrow();
        int n = firstImage.objects().size();
        assertThat(html).contains("teacher &middot; " + n + (n == 1 ? " box<" : " boxes<"));
        assertThat(html).contains("href=\"../teacher/report.html\"");
        try (var files = Files.list(page.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("report.html");
        }
    }

    @Test
    void aRunWithoutEvaluationIsNamed() throws IOException {
        DetectionDataset val = val();
        ComparisonReport.Run teacher = run("teacher", 0.5, val, List.of());
        Files.delete(teacher.dir().resolve(RunFolder.EVALUATIONS));
        ComparisonReport.Comparison c = new ComparisonReport.Comparison("t", "", teacher, List.of(
                new ComparisonReport.Seed(1, run("alone", 0.3, val, List.of()), run("kd", 0.4, val, List.of()))));

        assertThatThrownBy(() -> ComparisonReport.write(tmp.resolve("r.html"), c, val, 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(teacher.dir().resolve(RunFolder.EVALUATIONS).toString())
                .hasMessageContaining("teacher");
        assertThat(tmp.resolve("r.html")).doesNotExist();
    }

    private static int countOf(String s, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
