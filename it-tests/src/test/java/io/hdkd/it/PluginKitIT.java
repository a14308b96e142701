package io.hdkd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin author's path with only the distribution (docs/PLUGINS.md): {@code sdk/install.sh} installs the api,
 * testkit and archetype into a fresh local repository; {@code mvn archetype:generate} makes a loss plugin from the
 * archetype; {@code mvn package} runs its contract test and builds the jar; the jar loads from {@code plugins/} and
 * its loss trains a student in a tiny distillation run (one epoch under a one-epoch tiny teacher). Then the loss is
 * broken on purpose (it returns NaN) and the contract test must fail, naming the problem.
 */
class PluginKitIT {

    private static final Duration BUILD = Duration.ofMinutes(10);
    private static final Duration TRAIN = Duration.ofMinutes(15);
    private static final String[] TINY = {"--set", "dataset.synthetic-images=16", "--set", "dataset.synthetic-size=96",
        "--set", "data.loader.size=96", "--set", "train.epochs=1", "--set", "train.eval-every=0",
        "--set", "train.warmup-steps=2"};

    @TempDir
    Path tmp;

    @Test
    void aPluginMadeFromTheSdkAndArchetypeBuildsLoadsDistillsAndItsContractCatchesABrokenLoss() throws Exception {
        Path dist = Hdkd.distribution();
        Path settings = NestedMaven.settings(tmp.resolve("settings.xml"), tmp.resolve("m2"));
        List<String> maven = NestedMaven.options(settings);

        // 1. The SDK, installed with its one command into the fresh local repository.
        List<String> install = new ArrayList<>(List.of(dist.resolve("sdk/install.sh").toString()));
        install.addAll(maven);
        Hdkd.Result installed = Hdkd.process(install, tmp, Map.of("MVN", NestedMaven.mvn()), BUILD);
        assertThat(installed.code()).as(installed.toString()).isZero();
        String version = NestedMaven.property("hdkd.version");
        assertThat(tmp.resolve("m2/io/hdkd/hdkd-api/" + version + "/hdkd-api-" + version + "-javadoc.jar"))
                .isRegularFile();

        // 2. A new plugin project from the archetype.
        List<String> generate = new ArrayList<>(List.of(NestedMaven.mvn()));
        generate.addAll(maven);
        generate.addAll(List.of("-q", "org.apache.maven.plugins:maven-archetype-plugin:3.2.1:generate",
                "-DarchetypeGroupId=io.hdkd", "-DarchetypeArtifactId=hdkd-plugin-archetype",
                "-DarchetypeVersion=" + version, "-DgroupId=com.acme", "-DartifactId=acme-kd", "-Dversion=1.0.0",
                "-Dpackage=com.acme.kd", "-DinteractiveMode=false"));
        Hdkd.Result generated = Hdkd.process(generate, tmp, Map.of(), BUILD);
        assertThat(generated.code()).as(generated.toString()).isZero();
        Path project = tmp.resolve("acme-kd");
        Path loss = project.resolve("src/main/java/com/acme/kd/AttentionLoss.java");
        assertThat(loss).isRegularFile();

        // 3. Its build runs the contract test and makes the jar.
        Hdkd.Result built = Hdkd.process(mvn(maven, "-q", "package"), project, Map.of(), BUILD);
        assertThat(built.code()).as(built.toString()).isZero();
        Path jar = project.resolve("target/acme-kd-1.0.0.jar");
        assertThat(jar).isRegularFile();

        // 4. It loads from plugins/ and distils.
        Path home = DistributionCopies.of(dist, tmp.resolve("hdkd"));
        try {
            Files.copy(jar, home.resolve("plugins/acme-kd-1.0.0.jar"));
            Hdkd.Result plugins = Hdkd.run(home, tmp, "plugins");
            assertThat(plugins.code()).as(plugins.toString()).isZero();
            assertThat(plugins.out()).containsPattern("acme-kd +1\\.0\\.0 +.*acme-kd-1\\.0\\.0\\.jar +loss: attention");
            distil(home);
        } finally {
            // The copy links the distribution's lib/: remove the link before the temporary folder is deleted.
            Files.deleteIfExists(home.resolve("lib"));
        }

        // 5. Broken on purpose: the loss returns NaN; the contract test fails and says why.
        String source = Files.readString(loss, StandardCharsets.UTF_8);
        String broken = source.replace("return total.div(levels.size());", "return total.mul(Float.NaN);");
        assertThat(broken).isNotEqualTo(source);
        Files.writeString(loss, broken, StandardCharsets.UTF_8);
        Hdkd.Result failed = Hdkd.process(mvn(maven, "test",
                "-Dtest=AttentionLossContractTest#computeReturnsAFiniteScalarAndFiniteDiagnostics"), project,
                Map.of(), BUILD);
        assertThat(failed.code()).as(failed.toString()).isNotZero();
        assertThat(failed.out()).contains("computeReturnsAFiniteScalarAndFiniteDiagnostics")
                .contains("compute is not finite");
    }

    private void distil(Path home) throws Exception {
        Path teacher = tmp.resolve("teacher");
        List<String> train = new ArrayList<>(List.of("train", "--config", home.resolve("conf/tiny.properties")
                .toString(), "--out", teacher.toString()));
        train.addAll(List.of(TINY));
        Hdkd.Result t = Hdkd.run(home, tmp, Map.of(), TRAIN, train.toArray(new String[0]));
        assertThat(t.code()).as(t.toString()).isZero();

        // The student: tiny's detector at half width, under the teacher, with the plugin's loss.
        Path config = Files.writeString(tmp.resolve("distill.properties"), String.join("\n",
                "run.seed = 3",
                "dataset.synthetic = coarse",
                "model.backbone.type = resnet18",
                "model.backbone.width = 0.125",
                "model.neck.type = fpn",
                "model.neck.channels = 16",
                "model.neck.levels = p3, p4, p5",
                "model.head.type = retinanet",
                "model.head.num-convs = 1",
                "data.loader.batch-size = 4",
                "train.lr = 0.02",
                "teacher.run = " + teacher,
                "distill.losses = att",
                "distill.loss.att.type = attention",
                "distill.loss.att.weight = 10",
                ""));
        Path student = tmp.resolve("student");
        List<String> distill = new ArrayList<>(List.of("distill", "--config", config.toString(), "--out",
                student.toString()));
        distill.addAll(List.of(TINY));
        Hdkd.Result d = Hdkd.run(home, tmp, Map.of(), TRAIN, distill.toArray(new String[0]));
        assertThat(d.code()).as(d.toString()).isZero();
        List<Double> kd = new ArrayList<>();
        Matcher m = Pattern.compile("\"loss_kd_att\":([-0-9.eE]+)")
                .matcher(Files.readString(student.resolve("metrics.jsonl"), StandardCharsets.UTF_8));
        while (m.find()) {
            kd.add(Double.parseDouble(m.group(1)));
        }
        assertThat(kd).as("the plugin loss's term in metrics.jsonl").isNotEmpty().allMatch(Double::isFinite);
        assertThat(kd.get(0)).isPositive();
    }

    private static List<String> mvn(List<String> options, String... args) {
        List<String> out = new ArrayList<>(List.of(NestedMaven.mvn()));
        out.addAll(options);
        out.addAll(List.of(args));
        return out;
    }
}
