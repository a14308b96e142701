package io.hdkd.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/** Metadata as 'hdkd export --decode' writes it, for a tiny model. */
final class Fixtures {

    private Fixtures() {}

    static Map<String, String> metadata(int inputSize, String resize, int size, int minSize, int maxSize) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("hdkd.class_names", "[\"circle\",\"square\"]");
        m.put("hdkd.category_ids", "[1,2]");
        m.put("hdkd.input_size", Integer.toString(inputSize));
        m.put("hdkd.mean", "0.5,0.25,0.0");
        m.put("hdkd.std", "0.5,0.25,2.0");
        m.put("hdkd.strides", "{}");
        m.put("hdkd.head_type", "retinanet");
        m.put("hdkd.decoded", "true");
        m.put("hdkd.version", "0.1.0-test");
        m.put("hdkd.config", "# hdkd configuration, resolved: every default filled in\n"
                + "data.loader.batch-size = 2\n"
                + "data.loader.max-size = " + maxSize + "\n"
                + "data.loader.mean = 0.5,0.25,0.0\n"
                + "data.loader.min-size = " + minSize + "\n"
                + "data.loader.resize = " + resize + "\n"
                + "data.loader.size = " + size + "\n"
                + "model.head.type = retinanet\n");
        return m;
    }

    static HdkdModelInfo info(int inputSize, String resize, int size, int minSize, int maxSize) {
        try {
            return HdkdModelInfo.fromMetadata(metadata(inputSize, resize, size, minSize, maxSize), "test.onnx");
        } catch (ai.djl.MalformedModelException e) {
            throw new AssertionError(e);
        }
    }
}
