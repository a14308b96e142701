package io.hdkd.core.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.Backbone;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.weights.BackboneCheckpoint;
import io.hdkd.core.weights.BackboneRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hdkd backbone run --arch NAME [--weights DIR] --input X.npy --out FEATS.npz}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a backbone in inference mode (BatchNorm on running statistics) on a float32 N x 3 x H x W",
            ".npy and write its levels (c2..c5) by name to .npz or .safetensors."})
public final class BackboneRunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    BackboneArgs backbone;

    @Option(names = "--weights", paramLabel = "DIR",
            description = "An hdkd backbone checkpoint (default: model.backbone.weights if set, else the seeded "
                    + "random initialisation).")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "The image batch, float32 N x 3 x H x W.")
    Path input;

    @Mixin
    TensorOutputArgs output;

    @Override
    public Integer call() {
        Path out = output.checked();
        ResolvedConfig config = backbone.resolve(spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone b = BackboneArgs.build(config, manager);
            Path dir = weights != null ? weights : config.backboneWeights().orElse(null);
            if (dir != null) {
                BackboneCheckpoint.load(b, dir);
            }
            Map<String, Shape> shapes = BackboneRunner.run(b, input, out);
            PrintWriter w = spec.commandLine().getOut();
            shapes.forEach((name, shape) -> w.println(name + " " + shape));
            w.println("features: " + out + (dir == null ? " (random weights: no --weights given)" : ""));
            w.flush();
        }
        return ExitCodes.OK;
    }
}
