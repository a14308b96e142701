package io.hdkd.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.LossTerms;
import io.hdkd.core.train.optim.Sgd;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged checkpoints and failed checkpoint writes: a damaged {@code latest} or checkpoint is named and skipped, resume
 * continues bit-exactly from the newest intact one (or refuses when none is), and a write that fails (a full disk)
 * leaves no temporary folder behind.
 */
class CheckpointFaultsTest {

    @TempDir
    Path tmp;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Block model() {
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(8).build())
                .add(ai.djl.nn.Activation::relu).add(Linear.builder().setUnits(1).build());
        block.setInitializer(new NormalInitializer(0.3f), Parameter.Type.WEIGHT);
        ai.djl.engine.Engine.getInstance().setRandomSeed(7);
        block.initialize(manager, DataType.FLOAT32, new Shape(4, 4));
        return block;
    }

    private Trainer trainer(Block block, Path run, List<TrainingListener> listeners) {
        LrSchedule lr = new LrSchedule(0.01, LrSchedule.Kind.STEP, 3, 0.1, List.of(24), 0.1, 4 * 5, 0);
        Trainer.Settings s = new Trainer.Settings(4, 4, 2, 0, 10.0, "run.seed = 1\n");
        Trainer.StepFunction mse = (ps, batch) -> {
            NDArray pred = block.forward(ps, new NDList(batch.images()), true).singletonOrThrow();
            NDArray diff = pred.sub(batch.targets().get(0).boxes());
            return new LossTerms(Map.of("mse", diff.square().mean()));
        };
        return new Trainer(block, manager, mse, new TrainerTest.RegressionData(5, 1f), new Sgd(0.9f, 1e-4f, manager),
                lr, s, run, null, listeners);
    }

    private static float[] params(Block block) {
        List<Float> all = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            for (float f : p.getValue().getArray().toFloatArray()) {
                all.add(f);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    /** A run killed after step 13: checkpoints at steps 10 (epoch end) and 12 (every 4 steps), two kept. */
    private Path killedRun(String name) {
        Path run = tmp.resolve(name);
        TrainingListener killer = new TrainingListener() {
            @Override
            public void onStep(StepRecord r) {
                if (r.step() == 13) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        assertThatThrownBy(() -> trainer(model(), run, List.of(killer)).train()).hasMessage("killed");
        assertThat(run.resolve("checkpoints/ckpt-00000010")).isDirectory();
        assertThat(run.resolve("checkpoints/ckpt-00000012")).isDirectory();
        return run;
    }

    private float[] uninterrupted() {
        Block b = model();
        trainer(b, tmp.resolve("straight"), List.of()).train();
        return params(b);
    }

    @Test
    void aLatestPointerOfRandomBytesIsNamedAndResumeUsesTheNewestIntactCheckpoint() throws Exception {
        float[] expected = uninterrupted();
        Path run = killedRun("random-latest");
        byte[] noise = new byte[300];
        new SplittableRandom(5).nextBytes(noise);
        Files.write(run.resolve("checkpoints/latest"), noise);

        Checkpoints ckpts = new Checkpoints(run, 2);
        assertThatThrownBy(ckpts::latest).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(run.resolve("checkpoints/latest").toString()).hasMessageContaining("damaged");
        List<String> warnings = new ArrayList<>();
        assertThat(ckpts.candidates(warnings)).extracting(p -> p.getFileName().toString())
                .containsExactly("ckpt-00000012", "ckpt-00000010");
        assertThat(warnings).singleElement().asString().contains("latest");

        Block resumed = model();
        assertThat(trainer(resumed, run, List.of()).resume().state()).isEqualTo(new TrainingState(4, 0, 20));
        assertThat(params(resumed)).isEqualTo(expected);
    }

    @Test
    void aDamagedNewestCheckpointFallsBackToTheOlderOneAndStillEndsBitExact() throws Exception {
        float[] expected = uninterrupted();
        Path run = killedRun("damaged-newest");
        Files.write(run.resolve("checkpoints/ckpt-00000012/model.params"), new byte[] {9, 9, 9});

        Block resumed = model();
        assertThat(trainer(resumed, run, List.of()).resume().state()).isEqualTo(new TrainingState(4, 0, 20));
        assertThat(params(resumed)).isEqualTo(expected);
    }

    @Test
    void withNoIntactCheckpointResumeRefusesNamingEachDamagedFile() throws Exception {
        Path run = killedRun("all-damaged");
        Files.writeString(run.resolve("checkpoints/ckpt-00000012/state.json"), "{\"epoch\": ");
        Files.write(run.resolve("checkpoints/ckpt-00000010/optimizer.ndlist"), new byte[] {1, 2});

        assertThatThrownBy(() -> trainer(model(), run, List.of()).resume()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no intact checkpoint")
                .hasMessageContaining("ckpt-00000012" + java.io.File.separator + "state.json")
                .hasMessageContaining("ckpt-00000010" + java.io.File.separator + "optimizer.ndlist")
                .hasMessageContaining("--force");
    }

    @Test
    void aCheckpointWriteThatFailsLeavesNoTemporaryFolder() throws Exception {
        Block good = model();
        Path run = tmp.resolve("disk-full");
        Checkpoints ckpts = new Checkpoints(run, 2);
        ckpts.save(good, new Sgd(0.9f, 0f, manager), new TrainingState(0, 1, 1), "run.seed = 1\n");

        SequentialBlock full = new SequentialBlock() {
            @Override
            public void saveParameters(DataOutputStream os) throws IOException {
                os.write(new byte[4096]);
                throw new IOException("No space left on device");
            }
        };
        assertThatThrownBy(() -> ckpts.save(full, new Sgd(0.9f, 0f, manager), new TrainingState(0, 2, 2), "x"))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("No space left on device")
                .hasMessageContaining("ckpt-00000002");
        try (Stream<Path> s = Files.list(ckpts.dir())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("ckpt-00000001", "latest");
        }
        assertThat(ckpts.latest().getFileName().toString()).isEqualTo("ckpt-00000001");
    }
}
