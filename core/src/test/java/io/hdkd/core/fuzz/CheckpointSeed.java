package io.hdkd.core.fuzz;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import io.hdkd.core.train.Checkpoints;
import io.hdkd.core.train.TrainingState;
import io.hdkd.core.train.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the checkpoint fuzz target's seed (a real checkpoint of the target's small model, its four files joined by
 * {@link FuzzTargets#SEPARATOR}): {@code java -cp ... io.hdkd.core.fuzz.CheckpointSeed OUT_FILE}.
 */
public final class CheckpointSeed {

    private CheckpointSeed() {}

    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempDirectory("ckpt-seed");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Linear.builder().setUnits(2).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            // One step, so that the optimizer has momentum to save (a checkpoint is written after steps).
            Sgd sgd = new Sgd(0.9f, 0f, manager);
            java.util.List<ai.djl.nn.Parameter> params = new java.util.ArrayList<>();
            block.getParameters().forEach(p -> params.add(p.getValue()));
            try (ai.djl.training.GradientCollector g = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                g.backward(block.forward(new ai.djl.training.ParameterStore(manager, false),
                        new ai.djl.ndarray.NDList(manager.ones(new Shape(1, 3))), true).singletonOrThrow().sum());
            }
            sgd.step(params, 0.1f);
            Path ckpt = new Checkpoints(tmp, 1).save(block, sgd, new TrainingState(1, 2, 3),
                    "run.seed = 1\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(Files.readAllBytes(tmp.resolve("checkpoints/latest")));
            for (String f : new String[] {"state.json", "model.params", "optimizer.ndlist"}) {
                out.write(FuzzTargets.SEPARATOR);
                out.write(Files.readAllBytes(ckpt.resolve(f)));
            }
            Files.write(Path.of(args[0]), out.toByteArray());
        }
    }
}
