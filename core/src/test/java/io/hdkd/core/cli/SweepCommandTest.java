package io.hdkd.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import io.hdkd.core.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hdkd sweep} end to end with real child JVMs: two settings (one a bad value, so its runs crash) times two
 * seeds of a one-epoch tiny training; then the same sweep again, which skips the finished runs.
 */
@ExtendWith(ClasspathPlugins.class)
class SweepCommandTest {

    private static final String[] TINY = {"--set", "train.epochs=1", "--set", "dataset.synthetic-images=12",
        "--set", "dataset.synthetic-size=64", "--set", "data.loader.size=64", "--set", "train.warmup-steps=1",
        "--set", "train.eval-every=1", "--set", "data.loader.workers=1"};

    @TempDir
    Path dir;

    private CliRun sweep(Path out, String... extra) throws Exception {
        Path config = Path.of(SweepCommandTest.class.getResource("/conf/tiny.properties").toURI());
        List<String> args = new java.util.ArrayList<>(List.of("sweep", "--config", config.toString(),
                "--grid", "train.lr=0.01,1e30", "--seeds", "2", "--out", out.toString()));
        args.addAll(List.of(TINY));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void runsEveryCombinationInItsOwnProcessSurvivesACrashAndResumes() throws Exception {
        Path out = dir.resolve("sweep");
        CliRun first = sweep(out);
        // the crashed setting is reported, the others ran anyway
        assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(first.err()).contains("2 of 4 runs failed").contains("train.lr=1e30__seed=1")
                .contains("train.lr=1e30__seed=2");
        for (int seed = 1; seed <= 2; seed++) {
            Path run = out.resolve("train.lr=0.01__seed=" + seed);
            assertThat(run.resolve("eval.jsonl")).as(first.err()).isRegularFile();
            assertThat(Files.readString(run.resolve("config.properties"))).contains("run.seed = " + seed)
                    .contains("train.lr = 0.01");
            // the diverging setting's child failed on its own (a failure no validation can foresee: the loss turns
            // NaN), with its one-line error in its log
            assertThat(Files.readString(out.resolve("logs/train.lr=1e30__seed=" + seed + ".log")))
                    .contains("hdkd: failed:").contains("loss is");
        }
        double ap1 = lastAp(out.resolve("train.lr=0.01__seed=1"));
        double ap2 = lastAp(out.resolve("train.lr=0.01__seed=2"));
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv.get(0)).isEqualTo("rank,setting,train.lr,runs,finished,AP_mean,AP_std,AP50_mean,AP50_std,failed");
        assertThat(csv).hasSize(3);
        String[] best = csv.get(1).split(",", -1);
        assertThat(best[0]).isEqualTo("1");
        assertThat(best[2]).isEqualTo("0.01");
        assertThat(best[4]).isEqualTo("2");
        assertThat(Double.parseDouble(best[5])).isCloseTo((ap1 + ap2) / 2, within(1e-4));
        assertThat(Double.parseDouble(best[6])).isCloseTo(Math.abs(ap1 - ap2) / Math.sqrt(2), within(1e-4));
        assertThat(csv.get(2)).startsWith("2,train.lr=1e30,1e30,2,0,,,,,");
        assertThat(Files.readString(out.resolve("results.html"))).contains("train.lr=0.01").contains("2 / 2");
        assertThat(first.out()).contains("1. train.lr=0.01: AP ");

        // again: the finished runs are skipped (their folders untouched), the failed ones are retried
        long modified = Files.getLastModifiedTime(out.resolve("train.lr=0.01__seed=1/eval.jsonl")).toMillis();
        CliRun second = sweep(out);
        assertThat(second.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(second.err()).contains("train.lr=0.01__seed=1: done before, skipped")
                .contains("train.lr=0.01__seed=2: done before, skipped")
                .contains("train.lr=1e30__seed=1: FAILED (exit 1)");
        assertThat(Files.getLastModifiedTime(out.resolve("train.lr=0.01__seed=1/eval.jsonl")).toMillis())
                .isEqualTo(modified);
        assertThat(Files.readAllLines(out.resolve("results.csv"))).isEqualTo(csv);

        // another base configuration in the same folder is refused
        CliRun other = sweep(out, "--set", "train.momentum=0.8");
        assertThat(other.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(other.err()).contains("holds another sweep");
    }

    @Test
    void aGridPointThatCannotRunIsRefusedBeforeAnyRunStarts() throws Exception {
        Path config = Path.of(SweepCommandTest.class.getResource("/conf/tiny.properties").toURI());
        Path out = dir.resolve("refused");
        CliRun r = CliRun.of("sweep", "--config", config.toString(), "--grid", "train.lr=0.01,fast", "--out",
                out.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("grid point {train.lr=fast}").contains("bad value for train.lr");
        assertThat(out).doesNotExist();
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyRunStarts() throws Exception {
        Path config = Path.of(SweepCommandTest.class.getResource("/conf/tiny.properties").toURI());
        Path out = dir.resolve("bad");
        CliRun command = CliRun.of("sweep", "--config", config.toString(), "--command", "eval", "--out", out.toString());
        assertThat(command.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(command.err()).contains("--command must be train or distill, got 'eval'");
        CliRun seeds = CliRun.of("sweep", "--config", config.toString(), "--seeds", "0", "--out", out.toString());
        assertThat(seeds.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(seeds.err()).contains("--seeds must be >= 1");
        CliRun grid = CliRun.of("sweep", "--config", config.toString(), "--grid", "train.lr", "--out", out.toString());
        assertThat(grid.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(grid.err()).contains("--grid 'train.lr': expected key=value1,value2,...");
        CliRun missing = CliRun.of("sweep", "--config", dir.resolve("none.properties").toString(), "--out",
                out.toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("none.properties").contains("no such file");
        assertThat(out).doesNotExist();
    }

    private static double lastAp(Path run) {
        List<JsonObject> evals = RunFolder.at(run).evaluationRecords();
        return evals.get(evals.size() - 1).get("AP").getAsDouble();
    }
}
