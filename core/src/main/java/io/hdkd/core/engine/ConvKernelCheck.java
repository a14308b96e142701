package io.hdkd.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.hdkd.core.cli.DjlSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The oneDNN kernel self-check: forward and backward of the convolution shapes hdkd's models use, in float32 (what
 * training runs, through oneDNN under whatever {@code ONEDNN_MAX_CPU_ISA} this process was started with) against a
 * float64 reference of the same inputs (libtorch's float64 CPU convolution is ATen's own im2col + GEMM: oneDNN has no
 * float64 convolution, so the reference never runs the kernels under test; docs/DJL.md shows it with
 * {@code ONEDNN_VERBOSE}), under 1 and N intra-op threads, each repeated: every repeat at one thread count must be
 * bit-identical to the first.
 *
 * <p>It runs in a child JVM ({@link IsaCheck#inChildJvm}) because the fault it looks for may be a native crash. The
 * child prints one {@code shape ...} line per shape and thread count, a {@code fail ...} line per failure and
 * {@code result PASS} or {@code result FAIL} last.
 */
public final class ConvKernelCheck {

    /** float32 against float64: the largest difference may be this fraction of the reference's largest magnitude. */
    public static final double TOLERANCE = 1e-4;
    /** Repeats of each shape at each thread count. */
    public static final int DEFAULT_REPEATS = 24;

    /** One convolution: input {@code batch x in x size x size}, {@code out} filters of {@code kernel x kernel}. */
    public record ConvShape(String name, int batch, int in, int size, int out, int kernel, int stride, int groups,
            boolean bias) {

        int padding() {
            return kernel / 2;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (%dx%dx%dx%d -> %d, %dx%d stride %d%s%s)", name, batch, in, size, size,
                    out, kernel, kernel, stride, groups > 1 ? ", groups " + groups : "", bias ? ", bias" : "");
        }
    }

    /**
     * What hdkd's models convolve: the narrow ResNet18 of conf/tiny.properties and conf/quick.properties (width 0.25:
     * 16-128 channels), their FPN (32, 48) and RetinaNet head, full-width ResNet50 bottlenecks (the 1x1 backward that
     * once crashed), ResNeXt's and hdkd's adapters' grouped convolutions; batch 2-4, small maps.
     */
    public static final List<ConvShape> SHAPES = List.of(
            new ConvShape("stem 7x7/2", 2, 3, 64, 16, 7, 2, 1, false),
            new ConvShape("r18x0.25 3x3", 4, 16, 32, 16, 3, 1, 1, false),
            new ConvShape("r18x0.25 3x3/2", 4, 16, 32, 32, 3, 2, 1, false),
            new ConvShape("r18x0.25 downsample 1x1/2", 4, 32, 16, 64, 1, 2, 1, false),
            new ConvShape("fpn32 lateral 1x1", 4, 64, 8, 32, 1, 1, 1, true),
            new ConvShape("fpn48 3x3", 4, 48, 20, 48, 3, 1, 1, true),
            new ConvShape("head cls 3x3", 4, 32, 16, 27, 3, 1, 1, true),
            new ConvShape("r50 reduce 1x1", 2, 256, 16, 64, 1, 1, 1, false),
            new ConvShape("r50 expand 1x1", 2, 64, 16, 256, 1, 1, 1, false),
            new ConvShape("r50 downsample 1x1/2", 2, 256, 16, 512, 1, 2, 1, false),
            new ConvShape("r50 reduce 1x1 (1024)", 2, 1024, 8, 256, 1, 1, 1, false),
            new ConvShape("r50 3x3/2", 2, 128, 16, 128, 3, 2, 1, false),
            new ConvShape("resnext 3x3 32 groups", 2, 128, 16, 128, 3, 1, 32, false),
            new ConvShape("adapter 1x1 8 groups", 2, 32, 16, 48, 1, 1, 8, true),
            new ConvShape("odd 3x3", 3, 24, 13, 40, 3, 1, 1, true));

    private ConvKernelCheck() {}

    /** The child's entry point: {@code [--repeats N] [--threads 1,2] [--simulate-exit CODE | --simulate-hang]}. */
    public static void main(String[] args) {
        int repeats = DEFAULT_REPEATS;
        List<Integer> threads = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--threads" -> {
                    threads = new ArrayList<>();
                    for (String t : args[++i].split(",")) {
                        threads.add(Integer.parseInt(t.trim()));
                    }
                }
                // lets tests see how the parent reports a child that dies (a native crash ends the JVM this way)
                case "--simulate-exit" -> Runtime.getRuntime().halt(Integer.parseInt(args[++i]));
                case "--simulate-hang" -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        DjlSettings.applyOffline();
        if (threads == null) {
            threads = defaultThreads();
        }
        boolean pass = run(SHAPES, threads, repeats, System.out);
        System.out.flush();
        System.exit(pass ? 0 : 3);
    }

    /** 1 and the machine's processor count (just 1 on a single-core machine). */
    public static List<Integer> defaultThreads() {
        int n = Runtime.getRuntime().availableProcessors();
        return n > 1 ? List.of(1, n) : List.of(1);
    }

    /**
     * Checks every shape at every thread count; prints the protocol lines to {@code out}; true when nothing failed.
     */
    public static boolean run(List<ConvShape> shapes, List<Integer> threads, int repeats, PrintStream out) {
        Engine engine = Engine.getEngine("PyTorch");
        out.println("isa " + env("ONEDNN_MAX_CPU_ISA") + ", libtorch " + engine.getVersion() + ", threads " + threads
                + ", repeats " + repeats);
        int failures = 0;
        int before = JniUtils.getNumThreads();
        try {
            for (int s = 0; s < shapes.size(); s++) {
                ConvShape shape = shapes.get(s);
                try (NDManager manager = engine.newBaseManager()) {
                    Inputs inputs = Inputs.random(shape, 1000L + s);
                    float[][] reference = pass(shape, inputs, DataType.FLOAT64, manager);
                    for (int t : threads) {
                        JniUtils.setNumThreads(t);
                        String failure = checkAt(shape, inputs, reference, repeats, manager, out, t);
                        if (failure != null) {
                            failures++;
                            out.println("fail " + shape + " threads=" + t + ": " + failure);
                        }
                    }
                }
            }
        } finally {
            JniUtils.setNumThreads(before);
        }
        out.println(failures == 0 ? "result PASS" : "result FAIL");
        return failures == 0;
    }

    private static String checkAt(ConvShape shape, Inputs inputs, float[][] reference, int repeats, NDManager manager,
            PrintStream out, int threads) {
        float[][] first = null;
        double worst = 0;
        int differing = 0;
        String firstDifference = null;
        for (int r = 0; r < repeats; r++) {
            float[][] got;
            try (NDManager step = manager.newSubManager()) {
                got = pass(shape, inputs, DataType.FLOAT32, step);
            }
            if (r == 0) {
                first = got;
                for (int k = 0; k < got.length; k++) {
                    double err = relativeError(got[k], reference[k]);
                    if (!(err <= TOLERANCE)) { // NaN fails too
                        return String.format(Locale.ROOT, "%s differs from the float64 reference by %.3g of its scale "
                                + "(tolerance %.0e)%s", TENSORS[k], err, TOLERANCE,
                                hasNonFinite(got[k]) ? ", with NaN/Inf values" : "");
                    }
                    worst = Math.max(worst, err);
                }
            } else {
                for (int k = 0; k < got.length; k++) {
                    int n = differingElements(first[k], got[k]);
                    if (n > 0) {
                        differing++;
                        if (firstDifference == null) {
                            firstDifference = "repeat " + r + ": " + n + " elements of " + TENSORS[k];
                        }
                        break;
                    }
                }
            }
        }
        out.println(String.format(Locale.ROOT, "shape %s threads=%d max_rel_err=%.3g repeats=%d nondeterministic=%d",
                shape, threads, worst, repeats, differing));
        if (differing > 0) {
            return differing + " of " + (repeats - 1) + " repeats differ from the first (" + firstDifference
                    + "): nondeterministic at a fixed thread count";
        }
        return null;
    }

    static final String[] TENSORS = {"output", "input gradient", "weight gradient", "bias gradient"};

    /** Forward, then backward of {@code sum(out * upstream)}: output, input, weight (and bias) gradients as floats. */
    static float[][] pass(ConvShape shape, Inputs inputs, DataType type, NDManager manager) {
        // fresh leaves every pass: gradients must not accumulate from one repeat into the next
        NDArray x = inputs.x.create(manager, type);
        NDArray w = inputs.w.create(manager, type);
        NDArray b = shape.bias() ? inputs.b.create(manager, type) : null;
        NDArray g = inputs.upstream.create(manager, type);
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        if (b != null) {
            b.setRequiresGradient(true);
        }
        NDArray out;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDList y = Conv2d.conv2d(x, w, b, new Shape(shape.stride(), shape.stride()),
                    new Shape(shape.padding(), shape.padding()), new Shape(1, 1), shape.groups());
            out = y.singletonOrThrow();
            collector.backward(out.mul(g).sum());
        }
        List<float[]> result = new ArrayList<>();
        result.add(out.toType(DataType.FLOAT32, false).toFloatArray());
        result.add(x.getGradient().toType(DataType.FLOAT32, false).toFloatArray());
        result.add(w.getGradient().toType(DataType.FLOAT32, false).toFloatArray());
        if (b != null) {
            result.add(b.getGradient().toType(DataType.FLOAT32, false).toFloatArray());
        }
        return result.toArray(new float[0][]);
    }

    /** max |a - ref| / max |ref|: NaN if {@code a} holds a NaN or infinity. */
    static double relativeError(float[] a, float[] ref) {
        double scale = 1e-30;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return Double.NaN;
            }
            scale = Math.max(scale, Math.abs(ref[i]));
            diff = Math.max(diff, Math.abs((double) a[i] - ref[i]));
        }
        return diff / scale;
    }

    static int differingElements(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                n++;
            }
        }
        return n;
    }

    private static boolean hasNonFinite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return true;
            }
        }
        return false;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "(unset)" : v;
    }

    /** Values of one array: float32, from a seeded generator. */
    record Values(float[] data, Shape shape) {

        NDArray create(NDManager manager, DataType type) {
            NDArray a = manager.create(data, shape);
            return type == DataType.FLOAT32 ? a : a.toType(type, false);
        }
    }

    /** A shape's input, weight, bias and upstream gradient. */
    record Inputs(Values x, Values w, Values b, Values upstream) {

        static Inputs random(ConvShape s, long seed) {
            Random random = new Random(seed);
            int outSize = (s.size() + 2 * s.padding() - s.kernel()) / s.stride() + 1;
            double fanIn = (double) s.in() / s.groups() * s.kernel() * s.kernel();
            Values x = normal(random, 1.0, s.batch(), s.in(), s.size(), s.size());
            Values w = normal(random, 1.0 / Math.sqrt(fanIn), s.out(), s.in() / s.groups(), s.kernel(), s.kernel());
            Values b = normal(random, 0.1, s.out());
            Values g = normal(random, 1.0, s.batch(), s.out(), outSize, outSize);
            return new Inputs(x, w, b, g);
        }

        private static Values normal(Random random, double std, long... shape) {
            Shape sh = new Shape(shape);
            float[] v = new float[Math.toIntExact(sh.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (random.nextGaussian() * std);
            }
            return new Values(v, sh);
        }
    }
}
