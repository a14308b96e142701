package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.hdkd.api.Backbone;
import io.hdkd.core.bench.BenchReport;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.train.Trainer;
import io.hdkd.core.train.optim.Gradients;
import io.hdkd.core.train.optim.Sgd;
import io.hdkd.core.weights.ParameterSummary;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd bench backbone}: the training step of a backbone alone on a fixed random batch: forward in train mode,
 * loss = sum over levels of the mean of squares, backward, SGD (momentum 0.9) update, exactly the optimizer the
 * trainer uses. scripts/bench/torch_backbone_step.py runs the same step in PyTorch eager for comparison.
 */
@Command(name = "backbone", mixinStandardHelpOptions = true,
        description = {"Time the training step (forward, backward, SGD update) of a backbone alone on a random batch;",
            "prints the median of each phase and of the whole step."})
public final class BenchBackboneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    BackboneArgs backbone;

    @Option(names = "--size", defaultValue = "512", description = "Square input side (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "2", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", paramLabel = "T",
            description = "PyTorch intra-op threads (default: the engine's, ai.djl.pytorch.num_threads).")
    Integer threads;

    @Option(names = "--lr", defaultValue = "0.01", description = "SGD learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Override
    public Integer call() {
        if (size < 32 || batch < 1 || steps < 1 || warmup < 0 || (threads != null && threads < 1)) {
            throw new ParameterException(spec.commandLine(),
                    "--size must be >= 32, --batch, --steps and --threads >= 1, --warmup >= 0");
        }
        if ((long) batch * (size / 32) * (size / 32) < 2) {
            // BatchNorm in train mode needs two values per channel at stride 32.
            throw new ParameterException(spec.commandLine(), "--batch 1 needs --size >= 64");
        }
        ResolvedConfig config = backbone.resolve(spec);
        int previousThreads = JniUtils.getNumThreads();
        if (threads != null) {
            JniUtils.setNumThreads(threads);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone b = BackboneArgs.build(config, manager);
            List<Parameter> params = Trainer.trainableParameters(b.block());
            Sgd sgd = new Sgd(0.9f, 0f, manager);
            NDArray images = manager.randomNormal(new Shape(batch, 3, size, size));
            ParameterStore ps = new ParameterStore(manager, false);
            out.println("backbone " + backbone.arch + ": " + ParameterSummary.of(b.block()));
            out.println(String.format(Locale.ROOT, "input %d x 3 x %d x %d, threads %d, warmup %d, steps %d", batch,
                    size, size, JniUtils.getNumThreads(), warmup, steps));
            out.flush();
            double[] forward = new double[steps];
            double[] backward = new double[steps];
            double[] update = new double[steps];
            double[] total = new double[steps];
            double lastLoss = Double.NaN;
            for (int i = -warmup; i < steps; i++) {
                try (NDManager step = manager.newSubManager()) {
                    long t0 = System.nanoTime();
                    long t1;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDList levels = b.block().forward(ps, new NDList(images), true);
                        levels.attach(step);
                        NDArray loss = levels.get(0).square().mean();
                        for (int l = 1; l < levels.size(); l++) {
                            loss = loss.add(levels.get(l).square().mean());
                        }
                        // Reading the value waits for the forward pass (a no-op on CPU, but honest on GPU).
                        lastLoss = loss.toType(DataType.FLOAT64, false).getDouble();
                        t1 = System.nanoTime();
                        collector.backward(loss);
                    }
                    long t2 = System.nanoTime();
                    sgd.step(params, lr);
                    long t3 = System.nanoTime();
                    if (i >= 0) {
                        forward[i] = (t1 - t0) / 1e6;
                        backward[i] = (t2 - t1) / 1e6;
                        update[i] = (t3 - t2) / 1e6;
                        total[i] = (t3 - t0) / 1e6;
                    }
                }
            }
            out.println(String.format(Locale.ROOT, "last_loss %.6f", lastLoss));
            out.println(String.format(Locale.ROOT, "median_forward_ms %.2f", BenchReport.median(forward)));
            out.println(String.format(Locale.ROOT, "median_backward_ms %.2f", BenchReport.median(backward)));
            out.println(String.format(Locale.ROOT, "median_update_ms %.2f", BenchReport.median(update)));
            double median = BenchReport.median(total);
            BenchReport.print(out, median, batch / (median / 1000));
        } finally {
            // The setting is process-wide: leave the engine as it was for whoever runs next in this JVM.
            JniUtils.setNumThreads(previousThreads);
        }
        return ExitCodes.OK;
    }
}
