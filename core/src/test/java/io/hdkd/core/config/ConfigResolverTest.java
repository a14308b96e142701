package io.hdkd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.ComponentKind;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.TrainingProgress;
import io.hdkd.api.WeightSchedule;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.PluginManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolves against the classpath test plugin: backbone tiny, partitioner grid, losses kd and mse. */
class ConfigResolverTest {

    static ComponentRegistry registry;

    @TempDir
    Path tmp;

    @BeforeAll
    static void plugins() {
        registry = PluginManager.fromClasspath().registry();
    }

    private static ResolvedConfig resolve(Map<String, String> keys) {
        return new ConfigResolver(registry, Pipelines.schema()).resolve(keys);
    }

    private static ResolvedConfig resolve(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return resolve(m);
    }

    private static void assertBad(String message, String... keyValues) {
        assertThatThrownBy(() -> resolve(keyValues)).isInstanceOf(InvalidInputException.class).hasMessage(message);
    }

    @Test
    void fillsInEveryDefault() {
        ResolvedConfig c = resolve("model.backbone.type", "tiny", "distill.losses", "a, b",
                "distill.loss.a.type", "kd", "distill.loss.a.temperature", "2", "distill.loss.b.type", "mse");
        assertThat(c.seed()).isEqualTo(42L);
        ConfiguredComponent backbone = c.component(ComponentSlot.BACKBONE).orElseThrow();
        assertThat(backbone.type()).isEqualTo("tiny");
        assertThat(backbone.options().getInt("depth")).isEqualTo(18);
        assertThat(backbone.options().getString("style")).isEqualTo("a");
        assertThat(c.component(ComponentSlot.NECK)).isEmpty();
        assertThat(c.losses()).extracting(ConfiguredComponent::type).containsExactly("kd", "mse");
        assertThat(c.losses().get(0).options().getDouble("temperature")).isEqualTo(2.0);
        assertThat(c.asMap()).containsEntry("distill.loss.a.weight", "1.0").containsEntry("run.seed", "42")
                .containsEntry("distill.losses", "a, b").containsEntry("distill.loss.b.cache", "runs/cache");
    }

    @Test
    void setOverridesTheFileWhichOverridesTheDefaults() throws IOException {
        Path file = tmp.resolve("c.properties");
        Files.writeString(file, "run.seed = 7\nmodel.backbone.type = tiny\nmodel.backbone.depth = 34\n");
        Map<String, String> raw = ConfigFiles.layered(file, List.of("model.backbone.depth=50"));
        ResolvedConfig c = resolve(raw);
        assertThat(c.seed()).isEqualTo(7L);
        assertThat(c.component(ComponentSlot.BACKBONE).orElseThrow().options().getInt("depth")).isEqualTo(50);
        assertThat(c.component(ComponentSlot.BACKBONE).orElseThrow().options().getBoolean("pretrained")).isFalse();
    }

    @Test
    void anUnknownKeyNamesTheClosestKnownKey() {
        assertBad("unknown key run.sed; did you mean run.seed?", "run.sed", "1");
        assertBad("unknown key model.backbon.type; did you mean model.backbone.type?", "model.backbon.type", "tiny");
        // Under a filled slot, the component's own options are the candidates.
        assertBad("unknown key model.backbone.deph; did you mean model.backbone.depth?",
                "model.backbone.type", "tiny", "model.backbone.deph", "3");
        assertBad("unknown key distill.loss.c.type; did you mean distill.loss.a.type? (a loss's keys need its id "
                        + "listed in distill.losses)",
                "distill.losses", "a", "distill.loss.a.type", "mse", "distill.loss.c.type", "kd");
    }

    @Test
    void anOptionOfAnotherTypeNamesItsOwnerAndWhatTheChosenTypeAccepts() {
        // The real retinanet and cornernet heads are on the core test classpath.
        String cornernetAccepts = String.join(", ", registry.find(ComponentKind.HEAD, "cornernet").orElseThrow()
                .factory().options().stream().map(OptionSpec::key).toList());
        assertThat(cornernetAccepts).startsWith("level, channels");
        assertBad("model.head.num-convs is an option of the retinanet head, not of the cornernet head chosen by "
                        + "model.head.type; cornernet accepts: " + cornernetAccepts,
                "model.head.type", "cornernet", "model.head.num-convs", "2");
        assertBad("model.head.anchor-sizes is an option of the retinanet head, not of the cornernet head chosen by "
                        + "model.head.type; cornernet accepts: " + cornernetAccepts,
                "model.head.type", "cornernet", "model.head.channels", "32", "model.head.anchor-sizes", "32, 64");
        assertThatThrownBy(() -> resolve("model.head.type", "retinanet", "model.head.embedding-threshold", "0.5"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("model.head.embedding-threshold is an option of the cornernet head, not of the "
                        + "retinanet head chosen by model.head.type; retinanet accepts: num-convs, ");
        // A key no head declares still gets the closest-name hint.
        assertBad("unknown key model.head.chanels; did you mean model.head.channels?",
                "model.head.type", "cornernet", "model.head.chanels", "32");
    }

    @Test
    void aBadValueNamesKeyExpectedTypeAndValue() {
        assertBad("bad value for run.seed: expected a long integer, got 'soon'", "run.seed", "soon");
        assertBad("bad value for model.backbone.style: expected one of [a, b], got 'c'",
                "model.backbone.type", "tiny", "model.backbone.style", "c");
        assertBad("bad value for distill.losses: 'a' is listed twice", "distill.losses", "a, a");
        assertBad("bad value for distill.loss.a.weight: expected a number >= 0, got '-1'",
                "distill.losses", "a", "distill.loss.a.type", "mse", "distill.loss.a.weight", "-1");
        assertBad("unknown key distill.ratoi; did you mean distill.ratio?", "distill.ratoi", "1:2");
    }

    @Test
    void lossWeightsAreTheHostsAndDistillationKeysAreDroppedForTheSavedStudent() {
        ResolvedConfig c = resolve("model.backbone.type", "tiny", "distill.losses", "a, b",
                "distill.loss.a.type", "mse", "distill.loss.a.weight", "2.5", "distill.loss.b.type", "mse",
                "teacher.run", "runs/t", "distill.ratio", "1:2");
        assertThat(c.lossWeight("a")).isEqualTo(2.5);
        assertThat(c.lossWeight("b")).isEqualTo(1.0);
        assertThat(c.asMap()).containsEntry("distill.loss.a.weight", "2.5").containsEntry("teacher.run", "runs/t");
        ResolvedConfig student = c.withoutDistillation(List.of("teacher", "distill"));
        assertThat(student.asMap().keySet()).noneMatch(k -> k.startsWith("distill.") || k.startsWith("teacher."))
                .contains("model.backbone.type");
    }

    @Test
    void aLossWeightScheduleIsTheHostsAndIsCheckedAndWrittenBack() {
        ResolvedConfig c = resolve("model.backbone.type", "tiny", "distill.losses", "a, b",
                "distill.loss.a.type", "mse", "distill.loss.a.schedule", "step", "distill.loss.a.schedule-warmup", "10",
                "distill.loss.a.schedule-milestones", "50, 80", "distill.loss.a.schedule-factor", "0.5",
                "distill.loss.b.type", "mse");
        assertThat(c.lossSchedule("a").kind()).isEqualTo(WeightSchedule.Kind.STEP);
        assertThat(c.lossSchedule("a").factor(new TrainingProgress(90, 100))).isEqualTo(0.25);
        assertThat(c.lossSchedule("b").isConstant()).isTrue();
        assertThat(c.asMap()).containsEntry("distill.loss.a.schedule", "step")
                .containsEntry("distill.loss.a.schedule-milestones", "50, 80")
                .doesNotContainKey("distill.loss.b.schedule");
        assertThat(resolve(c.asMap()).lossSchedule("a").toString()).isEqualTo(c.lossSchedule("a").toString());
        assertBadStartingWith("bad value for distill.loss.a.schedule: expected one of [constant, linear-decay, "
                + "cosine-decay, step], got 'cosine'", "distill.losses", "a", "distill.loss.a.type", "mse",
                "distill.loss.a.schedule", "cosine");
        assertBadStartingWith("bad value for distill.loss.a.schedule-milestones: a step schedule needs at least one "
                + "milestone", "distill.losses", "a", "distill.loss.a.type", "mse", "distill.loss.a.schedule", "step");
        assertBadStartingWith("bad value for distill.loss.a.schedule-final: must be in [0, 1]", "distill.losses", "a",
                "distill.loss.a.type", "mse", "distill.loss.a.schedule-final", "2");
    }

    private static void assertBadStartingWith(String message, String... keyValues) {
        assertThatThrownBy(() -> resolve(keyValues)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        assertBad("missing required key distill.loss.k.temperature (Softmax temperature.)",
                "distill.losses", "k", "distill.loss.k.type", "kd");
        assertBad("missing required key distill.loss.k.type (loss 'k' is listed in distill.losses); available: "
                + names(ComponentKind.LOSS), "distill.losses", "k");
    }

    private static String names(ComponentKind kind) {
        var names = registry.names(kind);
        return names.isEmpty() ? "none (no loaded plugin provides a " + kind.label() + ")" : String.join(", ", names);
    }

    @Test
    void anUnknownTypeListsTheAvailableNames() {
        // Other plugins may be on the test classpath too (core tests use real backbones): list what is registered.
        assertBad("unknown backbone type 'tinny' for model.backbone.type; available: " + names(ComponentKind.BACKBONE)
                + " (did you mean tiny?)", "model.backbone.type", "tinny");
        assertBad("unknown neck type 'zzzzzzzz' for model.neck.type; available: " + names(ComponentKind.NECK),
                "model.neck.type", "zzzzzzzz");
        assertBad("model.backbone.depth is set but model.backbone.type is not; set it to one of: "
                + names(ComponentKind.BACKBONE), "model.backbone.depth", "3");
        assertThat(names(ComponentKind.BACKBONE)).contains("tiny");
    }

    @Test
    void theHostReadsTheBackbonesWeights() {
        ResolvedConfig c = resolve("model.backbone.type", "tiny", "model.backbone.weights", "w/resnet.npz");
        assertThat(c.backboneWeights()).contains(Path.of("w/resnet.npz"));
        assertThat(c.component(ComponentSlot.BACKBONE).orElseThrow().options().resolved()).doesNotContainKey("weights");
    }

    @Test
    void theResolvedConfigurationReadsBackToItself() throws IOException {
        ResolvedConfig first = resolve(
                "run.seed", "-3",
                "model.backbone.type", "tiny", "model.backbone.style", "b",
                "model.backbone.weights", "C:\\weights dir\\r50 #1.npz",
                "distill.partitioner.type", "grid",
                "distill.losses", "feat, logits",
                "distill.loss.logits.type", "kd", "distill.loss.logits.temperature", "4.5",
                "distill.loss.feat.type", "mse", "distill.loss.feat.cache", " =odd: value! ");
        Path file = tmp.resolve("resolved.properties");
        Files.writeString(file, first.toProperties());
        ResolvedConfig second = resolve(ConfigFiles.read(file));
        assertThat(second.asMap()).isEqualTo(first.asMap());
        assertThat(second.toProperties()).isEqualTo(first.toProperties());
        assertThat(second.backboneWeights()).contains(Path.of("C:\\weights dir\\r50 #1.npz"));
        assertThat(second.losses().get(0).options().getString("cache")).isEqualTo("=odd: value!");
    }

    @Test
    void badFilesAreOneLineNamingTheFile() throws IOException {
        Path missing = tmp.resolve("missing.properties");
        assertThatThrownBy(() -> ConfigFiles.read(missing)).isInstanceOf(InvalidInputException.class)
                .hasMessage("config file " + missing + " does not exist");
        Path twice = tmp.resolve("twice.properties");
        Files.writeString(twice, "run.seed = 1\nrun.seed = 2\n");
        assertThatThrownBy(() -> ConfigFiles.read(twice)).hasMessage("config file " + twice + " sets run.seed 2 times; set it once");
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, "run: {seed: 1}\n");
        assertThatThrownBy(() -> ConfigFiles.read(yaml)).hasMessageContaining("only .properties files are supported");
        assertThatThrownBy(() -> ConfigFiles.read(tmp)).hasMessageContaining("is not a readable file");
        assertThatThrownBy(() -> ConfigFiles.overrides(List.of("run.seed"))).hasMessage("--set expects key=value, got 'run.seed'");
    }

    @Test
    void sectionsCanBeAddedWithoutTouchingTheResolver() {
        ConfigSchema schema = Pipelines.schema()
                .with(new ConfigSection("extra", List.of(OptionSpec.integer("rounds", 12, "Rounds."))));
        ResolvedConfig c = new ConfigResolver(registry, schema).resolve(Map.of("extra.rounds", "3"));
        assertThat(c.section("extra").getInt("rounds")).isEqualTo(3);
        assertThatThrownBy(() -> new ConfigResolver(registry, schema).resolve(Map.of("extra.round", "3")))
                .hasMessage("unknown key extra.round; did you mean extra.rounds?");
        assertThatThrownBy(() -> Pipelines.schema().with(new ConfigSection("model.backbone", List.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
