package io.hdkd.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Named tensor files: {@code .npz} (numpy, e.g. {@code np.savez(f, **state_dict)}) and {@code .safetensors}, read
 * with DJL's {@link NDList#decode} (which also reads a bare {@code .npy}) and written with its encoders.
 */
public final class TensorFiles {

    private TensorFiles() {}

    /** The format a path's extension selects for writing. */
    public enum Format {
        NPZ(NDList.Encoding.NPZ),
        SAFETENSORS(NDList.Encoding.SAFETENSORS);

        private final NDList.Encoding encoding;

        Format(NDList.Encoding encoding) {
            this.encoding = encoding;
        }

        /** The format of {@code path} by its extension; an InvalidInputException for anything else. */
        public static Format of(Path path) {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".npz")) {
                return NPZ;
            }
            if (name.endsWith(".safetensors")) {
                return SAFETENSORS;
            }
            throw new InvalidInputException(path + ": expected a .npz or .safetensors file name");
        }
    }

    /**
     * Reads every tensor of {@code file}, by name, in file order, attached to {@code manager}.
     *
     * @throws InvalidInputException if the file is missing, unreadable or not a tensor file
     */
    public static Map<String, NDArray> read(Path file, NDManager manager) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            if (bytes.length > 2 && bytes[0] == 'P' && bytes[1] == 'K') {
                return readNpz(bytes, manager);
            }
            NDList list = NDList.decode(manager, bytes);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (int i = 0; i < list.size(); i++) {
                NDArray a = list.get(i);
                String name = a.getName() == null || a.getName().isEmpty() ? "arr_" + i : a.getName();
                tensors.put(name, a);
            }
            return tensors;
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(file + ": not a .npz, .npy or .safetensors tensor file ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Inflates each {@code .npy} entry into memory before decoding it: DJL decodes an npz straight from the zip
     * stream, which is very slow for compressed ({@code np.savez_compressed}) half-precision entries.
     */
    private static Map<String, NDArray> readNpz(byte[] bytes, NDManager manager) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (entry.isDirectory() || !name.endsWith(".npy")) {
                    continue;
                }
                NDList one = NDList.decode(manager, zip.readAllBytes());
                tensors.put(name.substring(0, name.length() - ".npy".length()), one.singletonOrThrow());
            }
        }
        return tensors;
    }

    /** Reads a file that must hold exactly one tensor (e.g. a {@code .npy}). */
    public static NDArray readSingle(Path file, NDManager manager) {
        Map<String, NDArray> tensors = read(file, manager);
        if (tensors.size() != 1) {
            throw new InvalidInputException(file + ": expected exactly one array, found " + tensors.size());
        }
        return tensors.values().iterator().next();
    }

    /** Atomically writes {@code tensors} under their map keys, in map order, in the format {@code file}'s extension selects. */
    public static void write(Path file, Map<String, NDArray> tensors) {
        Format format = Format.of(file);
        NDList list = new NDList(tensors.size());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray named = e.getValue().duplicate();
            named.setName(e.getKey());
            list.add(named);
        }
        try {
            AtomicFiles.write(file, out -> list.encode(out, format.encoding));
        } finally {
            list.close();
        }
    }
}
