package io.hdkd.core.cli;

import ai.djl.ndarray.NDManager;
import io.hdkd.api.Backbone;
import io.hdkd.core.weights.BackboneCheckpoint;
import io.hdkd.core.weights.WeightExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd weights export --arch NAME --weights DIR --out FILE}: an hdkd backbone checkpoint back out under
 * torchvision's names, bit-exact, for {@code load_state_dict(..., strict=False)}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export an hdkd backbone checkpoint under torchvision's names to .npz or .safetensors (lossless;",
            "num_batches_tracked is left out, load with strict=False)."})
public final class WeightsExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    BackboneArgs backbone;

    @Option(names = "--weights", required = true, paramLabel = "DIR", description = "The hdkd backbone checkpoint.")
    Path weights;

    @Mixin
    TensorOutputArgs output;

    @Override
    public Integer call() {
        Path out = output.checked();
        var config = backbone.resolve(spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone b = BackboneArgs.build(config, manager);
            BackboneCheckpoint.load(b, weights);
            WeightExport.export(b, out);
            PrintWriter w = spec.commandLine().getOut();
            w.println("exported " + b.stateDictNames().size() + " tensors of " + backbone.arch + " to " + out);
            w.flush();
        }
        return ExitCodes.OK;
    }
}
