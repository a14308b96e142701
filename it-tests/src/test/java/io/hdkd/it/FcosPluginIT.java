package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third-party path of docs/PLUGINS.md, end to end: the example FCOS head (examples/fcos-head-plugin) is built out
 * of tree by its own Maven build against the api jar this build made, dropped into a copy of the distribution's
 * plugins/, and trained with {@code model.head.type = fcos} on a small synthetic preset.
 *
 * <p>The nested build resolves {@code io.hdkd:hdkd-api}, {@code hdkd-testkit} and (for its export test, at test
 * scope) {@code hdkd-core} with {@code hdkd-runtime} from a staged repository
 * (target/it-repo: their jars and poms and the parent pom, nothing is installed into the user's repository) and everything else (DJL's api, Guice,
 * Maven's plugins) from the outer build's local repository, used as a read-only file:// repository. It runs offline
 * when the outer build does.
 *
 * <p>"It learned": the class + box loss of the last epoch is below 60% of the first epoch's (the centerness BCE is
 * left out: its floor is the entropy of the soft targets, about 0.64 here), and the final validation AP50 is above
 * 0.05. An untrained FCOS scores 0: its initial class probability is the prior 0.01, below the 0.05 score
 * threshold, so it detects nothing (FcosHeadTest in the example checks this).
 */
class FcosPluginIT {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration TRAIN_TIMEOUT = Duration.ofMinutes(40);

    @TempDir
    Path tmp;

    @Test
    void theExampleFcosPluginBuildsOutOfTreeLoadsFromPluginsAndLearns() throws Exception {
        Path dist = Hdkd.distribution();
        Path repo = stagedRepository();

        // Out of tree: a copy of the example's sources somewhere else, as a user would have them.
        Path project = copyTree(Path.of(property("hdkd.example.fcos")), tmp.resolve("fcos-head-plugin"));
        Path settings = NestedMaven.settings(tmp.resolve("settings.xml"), repo);
        List<String> mvn = new ArrayList<>(List.of(NestedMaven.mvn()));
        mvn.addAll(NestedMaven.options(settings));
        mvn.addAll(List.of("-q", "package", "-Dhdkd.version=" + property("hdkd.version")));
        Hdkd.Result build = Hdkd.process(mvn, project, Map.of(), BUILD_TIMEOUT);
        assertThat(build.code()).as(build.toString()).isZero();
        Path jar = project.resolve("target/fcos-head-plugin-1.0.0.jar");
        assertThat(jar).isRegularFile();

        Path home = DistributionCopies.of(dist, tmp.resolve("hdkd"));
        try {
            dropInAndTrain(home, jar);
        } finally {
            // The copy links the distribution's lib/: remove the link before the temporary folder is deleted.
            Files.deleteIfExists(home.resolve("lib"));
        }
    }

    private void dropInAndTrain(Path home, Path jar) throws Exception {
        Files.copy(jar, home.resolve("plugins/fcos-head-plugin-1.0.0.jar"));
        Hdkd.Result plugins = Hdkd.run(home, tmp, "plugins");
        assertThat(plugins.code()).as(plugins.toString()).isZero();
        assertThat(plugins.out()).containsPattern("fcos-example +1\\.0\\.0 +.*fcos-head-plugin-1\\.0\\.0\\.jar +head: fcos");

        // The example's tiny configuration (examples/fcos-head-plugin/fcos-tiny.properties), as docs/PLUGINS.md runs it.
        Path config = Files.copy(Path.of(property("hdkd.example.fcos"), "fcos-tiny.properties"),
                tmp.resolve("fcos-tiny.properties"));
        Path run = tmp.resolve("run");
        Hdkd.Result train = Hdkd.run(home, tmp, Map.of(), TRAIN_TIMEOUT, "train", "--config", config.toString(),
                "--out", run.toString());
        assertThat(train.code()).as(train.toString()).isZero();

        List<double[]> cls = numbers(run.resolve("metrics.jsonl"), "epoch", "loss_cls");
        List<double[]> box = numbers(run.resolve("metrics.jsonl"), "epoch", "loss_box");
        int lastEpoch = (int) cls.get(cls.size() - 1)[0];
        double first = meanLoss(cls, 1) + meanLoss(box, 1);
        double last = meanLoss(cls, lastEpoch) + meanLoss(box, lastEpoch);
        assertThat(last).as("mean class + box loss of the last epoch vs the first (%s)", first)
                .isLessThan(0.6 * first);
        List<double[]> evals = numbers(run.resolve("eval.jsonl"), "epoch", "AP50");
        assertThat(evals).isNotEmpty();
        assertThat(evals.get(evals.size() - 1)[1]).as(train.toString()).isGreaterThan(0.05);
        assertThat(train.out()).contains("AP50 ");
    }

    /**
     * Stages the api, testkit, core and runtime jars with their poms, and the parent pom, in target/it-repo, the
     * layout of a Maven repository (the example's contract test extends the testkit's HeadContract; its export test
     * uses core's ONNX graph writer, and core depends on runtime).
     */
    private static Path stagedRepository() throws IOException {
        Path repo = Path.of(property("hdkd.it.repo"));
        String version = property("hdkd.version");
        stage(repo, "hdkd-api", version, Path.of(property("hdkd.api.jar")), Path.of(property("hdkd.api.pom")));
        stage(repo, "hdkd-testkit", version, Path.of(property("hdkd.testkit.jar")),
                Path.of(property("hdkd.testkit.pom")));
        // the export parity test (FcosExportTest) writes and runs the head's graph with hdkd-core's, at test scope
        stage(repo, "hdkd-core", version, Path.of(property("hdkd.core.jar")), Path.of(property("hdkd.core.pom")));
        stage(repo, "hdkd-runtime", version, Path.of(property("hdkd.runtime.jar")),
                Path.of(property("hdkd.runtime.pom")));
        Path parent = Files.createDirectories(repo.resolve("io/hdkd/hdkd-parent/" + version));
        Files.copy(Path.of(property("hdkd.parent.pom")), parent.resolve("hdkd-parent-" + version + ".pom"),
                StandardCopyOption.REPLACE_EXISTING);
        return repo;
    }

    private static void stage(Path repo, String artifact, String version, Path jar, Path pom) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + artifact + " jar at " + jar + "; was its module packaged?");
        }
        Path dir = Files.createDirectories(repo.resolve("io/hdkd/" + artifact + "/" + version));
        Files.copy(jar, dir.resolve(artifact + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path rel = from.relativize(p);
                if (rel.startsWith("target")) {
                    continue;
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return to;
    }

    /** {@code [a, b]} of every line of a metrics file that has both (the files hold flat JSON objects). */
    private static List<double[]> numbers(Path jsonl, String a, String b) throws IOException {
        Pattern pa = Pattern.compile("\"" + a + "\":([-0-9.eE]+)");
        Pattern pb = Pattern.compile("\"" + b + "\":([-0-9.eE]+)");
        List<double[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
            Matcher ma = pa.matcher(line);
            Matcher mb = pb.matcher(line);
            if (ma.find() && mb.find()) {
                out.add(new double[] {Double.parseDouble(ma.group(1)), Double.parseDouble(mb.group(1))});
            }
        }
        return out;
    }

    private static double meanLoss(List<double[]> losses, int epoch) {
        return losses.stream().filter(r -> (int) r[0] == epoch).mapToDouble(r -> r[1]).average().orElseThrow();
    }

    private static String property(String name) {
        return NestedMaven.property(name);
    }
}
