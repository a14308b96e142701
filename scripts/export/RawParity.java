import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.export.DetectionOutputs;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.coco.CocoReader;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.data.loader.DetectionLoader;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.export.OnnxModelRunner;
import io.hdkd.core.pipeline.SavedModel;
import io.hdkd.core.plugin.PluginManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A raw export's outputs on ONNX Runtime against the run's model on the PyTorch engine, image by image, on a COCO
 * split: each image prepared as {@code hdkd eval --model} prepares it (the run's loader, one image, zero padding up
 * to the export's fixed size). Prints, per raw output, the worst over the images of max |onnx - pytorch| / max
 * |pytorch|; exits 1 if one is above 1e-4. Run with the distribution's class path (scripts/export/parity.sh):
 *
 * <pre>java -cp 'HDKD_HOME/lib/*' RawParity.java RUN FILE.onnx ANNOTATIONS IMAGES PLUGINS_DIR</pre>
 */
public class RawParity {

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        Path onnx = Path.of(args[1]);
        DetectionDataset data = CocoReader.read(Path.of(args[2]), Path.of(args[3]),
                new CocoReader.Options(BoxPolicy.KEEP, false)).dataset();
        var registry = PluginManager.loadDirectory(Path.of(args[4])).registry();
        Map<String, Double> worst = new LinkedHashMap<>();
        int images = 0;
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                OnnxModelRunner runner = OnnxModelRunner.open(onnx)) {
            int size = Integer.parseInt(runner.metadata().get(DetectionOutputs.INPUT_SIZE));
            SavedModel.Loaded loaded = SavedModel.load(run, registry, Device.cpu(), m);
            LoaderConfig l = loaded.loaderConfig();
            LoaderConfig one = new LoaderConfig(l.resizeMode(), l.size(), l.minSize(), l.maxSize(), l.sizeDivisor(),
                    1, l.workers(), l.prefetch(), false, false, l.seed(), l.mean(), l.std());
            List<HeadOutput> outputs = loaded.detector().head().outputs();
            try (DetectionLoader loader = new DetectionLoader(data, AugmentConfig.NONE, one)) {
                var it = loader.epoch(0, m);
                while (it.hasNext()) {
                    try (DetectionBatch batch = it.next()) {
                        NDArray x = batch.images();
                        Shape s = x.getShape();
                        if (s.get(2) != size || s.get(3) != size) {
                            NDArray padded = batch.manager().zeros(new Shape(s.get(0), s.get(1), size, size));
                            padded.set(new NDIndex(":, :, :{}, :{}", s.get(2), s.get(3)), x);
                            x = padded;
                        }
                        NDList want = loaded.detector().forward(new ParameterStore(batch.manager(), false),
                                new NDList(x), false);
                        Map<String, OnnxModelRunner.Output> got = runner.run(x.toFloatArray(), x.getShape().getShape());
                        for (int i = 0; i < outputs.size(); i++) {
                            String name = outputs.get(i).name();
                            double e = relativeError(got.get(name).floats(), want.get(i).toFloatArray());
                            worst.merge(name, e, Math::max);
                        }
                        images++;
                    }
                }
            }
        }
        boolean ok = true;
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Double> e : worst.entrySet()) {
            ok &= e.getValue() <= 1e-4;
            line.append(String.format(Locale.ROOT, " %s=%.2e", e.getKey(), e.getValue()));
        }
        double max = worst.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        System.out.println(String.format(Locale.ROOT, "raw %s images %d worst %.2e %s;%s", onnx.getFileName(), images,
                max, ok ? "pass" : "FAIL", line));
        System.exit(ok ? 0 : 1);
    }

    /** max |got - want| / max |want|. */
    static double relativeError(float[] got, float[] want) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }
}
