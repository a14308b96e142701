package io.hdkd.core.cli;

import ai.djl.ndarray.NDManager;
import io.hdkd.api.Backbone;
import io.hdkd.core.weights.BackboneCheckpoint;
import io.hdkd.core.weights.ParameterSummary;
import io.hdkd.core.weights.WeightImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd weights import --arch NAME --from FILE --out DIR}: a torchvision state dict ({@code .npz} or
 * {@code .safetensors}, by torchvision's names) into an hdkd backbone checkpoint that {@code model.backbone.weights}
 * loads.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a torchvision-named state dict (.npz or .safetensors) into an hdkd backbone checkpoint",
            "folder, which 'model.backbone.weights = DIR' loads. The classifier (fc.*) and num_batches_tracked are",
            "skipped; any missing, unexpected or mis-shaped tensor fails the import (exit 2) with the full listing."})
public final class WeightsImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    BackboneArgs backbone;

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The state dict (.npz or .safetensors).")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The checkpoint folder to write.")
    Path out;

    @Option(names = "--prefix", defaultValue = "", paramLabel = "PREFIX",
            description = "Import only the tensors under this prefix, with it removed (e.g. backbone.body. for a "
                    + "torchvision detection checkpoint).")
    String prefix;

    @Mixin
    OverwritePermission overwrite;

    @Override
    public Integer call() {
        overwrite.check(out);
        var config = backbone.resolve(spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone b = BackboneArgs.build(config, manager);
            WeightImport.Report report = WeightImport.importStateDict(b, from, prefix);
            BackboneCheckpoint.save(b, out, overwrite.granted());
            PrintWriter w = spec.commandLine().getOut();
            w.println("imported " + report.loaded() + " tensors from " + from + " (skipped " + report.skipped().size()
                    + ": classifier and num_batches_tracked)");
            w.println("backbone " + backbone.arch + ": " + ParameterSummary.of(b.block()));
            w.println("checkpoint: " + out);
            w.flush();
        }
        return ExitCodes.OK;
    }
}
