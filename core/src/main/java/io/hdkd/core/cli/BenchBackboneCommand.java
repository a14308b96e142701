package io.hdkd.core.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.hdkd.api.Backbone;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.train.Trainer;
import io.hdkd.core.train.optim.Sgd;
import io.hdkd.core.weights.ParameterSummary;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    StepBenchArgs step;

    @Override
    public Integer call() {
        String problem = step.problem(32);
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), problem);
        }
        if ((long) step.batch * (step.size / 32) * (step.size / 32) < 2) {
            // BatchNorm in train mode needs two values per channel at stride 32.
            throw new ParameterException(spec.commandLine(), "--batch 1 needs --size >= 64");
        }
        ResolvedConfig config = backbone.resolve(spec);
        PrintWriter out = spec.commandLine().getOut();
        step.withThreads(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                Backbone b = BackboneArgs.build(config, manager);
                List<Parameter> params = Trainer.trainableParameters(b.block());
                Sgd sgd = new Sgd(0.9f, 0f, manager);
                NDArray images = manager.randomNormal(new Shape(step.batch, 3, step.size, step.size));
                ParameterStore ps = new ParameterStore(manager, false);
                out.println("backbone " + backbone.arch + ": " + ParameterSummary.of(b.block()));
                out.println(String.format(Locale.ROOT, "input %d x 3 x %d x %d, threads %d, warmup %d, steps %d",
                        step.batch, step.size, step.size, JniUtils.getNumThreads(), step.warmup, step.steps));
                out.flush();
                step.timer().run(manager, sub -> {
                    // Lent to the step's manager so that the forward's results, which join their first input's
                    // manager, go with the step (as in the trainer, whose batch has its own manager).
                    images.tempAttach(sub);
                    NDList levels = b.block().forward(ps, new NDList(images), true);
                    levels.attach(sub);
                    NDArray loss = levels.get(0).square().mean();
                    for (int l = 1; l < levels.size(); l++) {
                        loss = loss.add(levels.get(l).square().mean());
                    }
                    return loss;
                }, () -> sgd.step(params, step.lr), out);
            }
        });
        return ExitCodes.OK;
    }
}
