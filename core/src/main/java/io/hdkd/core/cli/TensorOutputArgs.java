package io.hdkd.core.cli;

import io.hdkd.core.weights.TensorFiles;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --out FILE [--force]}: the .npz or .safetensors file a command writes named tensors to. */
final class TensorOutputArgs {

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .npz or .safetensors to write.")
    Path file;

    @Mixin
    OverwritePermission overwrite;

    /**
     * The file, once its extension names a tensor format and it may be written: call before any work, so bad input
     * fails fast.
     *
     * @throws io.hdkd.api.InvalidInputException for another extension, or an existing file without --force
     */
    Path checked() {
        TensorFiles.Format.of(file);
        overwrite.check(file);
        return file;
    }
}
