package io.hdkd.core.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.export.DetectorExport;
import io.hdkd.core.export.OnnxGraphBuilder;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.pipeline.SavedModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd export --run RUN --format onnx --out FILE [--opset N] [--size S | --dynamic] [--decode] [--taps a,b]
 * [--force]}: a run's trained model (for a distillation run, the student alone) as one ONNX file. See docs/EXPORT.md.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a run's trained model (a distill run's student alone) to ONNX: the head's raw outputs, "
                + "or with --decode the final detections (boxes, scores, labels); class names, input size, "
                + "normalisation, strides, hdkd version and the run's configuration in the metadata."})
public final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    ModelRunArgs run;

    @Option(names = "--format", defaultValue = "onnx", paramLabel = "FORMAT",
            description = "The file format; onnx is the one there is (default).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .onnx file to write.")
    Path out;

    @Option(names = "--opset", defaultValue = "" + OnnxGraphBuilder.DEFAULT_OPSET, paramLabel = "N",
            description = "ONNX operator set, " + OnnxGraphBuilder.MIN_OPSET + " to " + OnnxGraphBuilder.MAX_OPSET
                    + " (default ${DEFAULT-VALUE}).")
    int opset;

    @Option(names = "--size", paramLabel = "S",
            description = "Fixed square input side (default: the run's data.loader.size).")
    Integer size;

    @Option(names = "--dynamic", description = "Symbolic batch, height and width instead of a fixed size.")
    boolean dynamic;

    @Option(names = "--decode", description = "Decode to final detections in the graph (boxes, scores, labels; "
            + "one image per run).")
    boolean decode;

    @Option(names = "--taps", split = ",", paramLabel = "LEVEL",
            description = "Feature levels to add as outputs (e.g. p3,p4,p5), so the model can be a feature teacher.")
    List<String> taps = List.of();

    @Mixin
    OverwritePermission overwrite;

    @Override
    public Integer call() {
        if (!format.equals("onnx")) {
            throw new InvalidInputException("--format " + format + ": hdkd exports onnx only");
        }
        if (dynamic && size != null) {
            throw new InvalidInputException("--size and --dynamic exclude each other: a fixed side or a symbolic one");
        }
        if (size != null && size < 1) {
            throw new InvalidInputException("--size " + size + ": expected a positive side in pixels");
        }
        if (opset < OnnxGraphBuilder.MIN_OPSET || opset > OnnxGraphBuilder.MAX_OPSET) {
            throw new InvalidInputException("--opset " + opset + ": hdkd writes ONNX opsets "
                    + OnnxGraphBuilder.MIN_OPSET + " to " + OnnxGraphBuilder.MAX_OPSET);
        }
        if (Files.isDirectory(out)) {
            throw new InvalidInputException("--out " + out + " is a folder; name the .onnx file to write");
        }
        overwrite.check(out);
        List<String> tapNames = taps.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        ModelProto model;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            SavedModel.Loaded loaded = run.load(spec, manager);
            int side = dynamic ? 0 : size != null ? size : loaded.loaderConfig().size();
            model = DetectorExport.export(loaded.detector(), loaded.config(), loaded.categories(),
                    loaded.loaderConfig(), new DetectorExport.Settings(opset, side, decode, tapNames), version());
        }
        AtomicFiles.write(out, model::writeTo);
        PrintWriter w = spec.commandLine().getOut();
        ValueInfoProto input = model.getGraph().getInput(0);
        String dims = input.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam())
                .collect(Collectors.joining("x"));
        String outputs = model.getGraph().getOutputList().stream().map(ValueInfoProto::getName)
                .collect(Collectors.joining(", "));
        w.println(String.format(Locale.ROOT, "%s: ONNX opset %d, input %s %s, outputs %s (%.1f MB)", out, opset,
                input.getName(), dims, outputs, model.getSerializedSize() / 1e6));
        w.flush();
        return ExitCodes.OK;
    }

    static String version() {
        String v = HdkdCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
