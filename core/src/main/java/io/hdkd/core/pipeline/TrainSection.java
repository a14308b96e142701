package io.hdkd.core.pipeline;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.core.config.ConfigSection;
import io.hdkd.core.train.LrSchedule;
import io.hdkd.core.train.Trainer;
import io.hdkd.core.train.optim.AdamW;
import io.hdkd.core.train.optim.Optimizer;
import io.hdkd.core.train.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code train.*}: the optimiser, schedule, checkpoints, evaluation cadence and device of a training run. */
public final class TrainSection {

    public static final ConfigSection SECTION = new ConfigSection("train", List.of(
            OptionSpec.integer("epochs", 12, "Passes over the training set.").atLeast(1),
            OptionSpec.choice("optimizer", "sgd", "sgd (momentum, L2 decay) or adamw (decoupled decay).", "sgd", "adamw"),
            OptionSpec.number("lr", 0.01, "Base learning rate (after warmup)."),
            OptionSpec.number("momentum", 0.9, "SGD momentum (or AdamW beta1).").range(0, 1),
            OptionSpec.number("weight-decay", 1e-4, "Weight decay: L2 for sgd, decoupled for adamw.").atLeast(0),
            OptionSpec.integer("warmup-steps", 100, "Linear warmup length in steps (0 = none).").atLeast(0),
            OptionSpec.number("warmup-factor", 0.001, "Warmup starts at this fraction of the base learning rate.").range(0, 1),
            OptionSpec.choice("schedule", "step", "Decay after warmup: step (x gamma at each milestone), cosine "
                    + "(to min-lr at the end) or constant.", "step", "cosine", "constant"),
            OptionSpec.list("milestones", "8, 11", "Epochs at which the step schedule multiplies the rate by gamma."),
            OptionSpec.number("gamma", 0.1, "Factor of the step schedule.").atLeast(0),
            OptionSpec.number("min-lr", 0.0, "Final learning rate of the cosine schedule.").atLeast(0),
            OptionSpec.number("grad-clip", 10.0, "Clip the global gradient norm to this (0 = no clipping).").atLeast(0),
            OptionSpec.integer("checkpoint-every", 0, "Also checkpoint every this many steps (0 = at epoch ends only).").atLeast(0),
            OptionSpec.integer("keep-checkpoints", 2, "How many checkpoints to keep.").atLeast(1),
            OptionSpec.integer("eval-every", 1, "Evaluate on the validation split every this many epochs (0 = only "
                    + "at the end).").atLeast(0),
            OptionSpec.choice("device", "auto", "auto (a GPU when DJL sees one, else the CPU), cpu or gpu.", "auto",
                    "cpu", "gpu")));

    private TrainSection() {}

    /** The device the run asks for; a GPU request on a machine without one is the user's error. */
    public static Device device(Options o) {
        String d = o.getString("device");
        int gpus = Engine.getInstance().getGpuCount();
        switch (d) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (gpus == 0) {
                    throw new InvalidInputException("train.device = gpu, but DJL's " + Engine.getInstance().getEngineName()
                            + " engine sees no GPU (this build of libtorch is CPU-only); use cpu or auto");
                }
                return Device.gpu();
            default:
                return gpus > 0 ? Device.gpu() : Device.cpu();
        }
    }

    public static Optimizer optimizer(Options o, NDManager manager) {
        float wd = (float) o.getDouble("weight-decay");
        if (o.getString("optimizer").equals("adamw")) {
            return new AdamW((float) o.getDouble("momentum"), 0.999f, 1e-8f, wd, manager);
        }
        return new Sgd((float) o.getDouble("momentum"), wd, manager);
    }

    public static LrSchedule schedule(Options o, int stepsPerEpoch) {
        int epochs = o.getInt("epochs");
        List<Integer> milestones = new ArrayList<>();
        for (String m : o.getList("milestones")) {
            try {
                milestones.add(Integer.parseInt(m.trim()) * stepsPerEpoch);
            } catch (NumberFormatException e) {
                throw o.invalid("milestones", "epochs must be integers");
            }
        }
        LrSchedule.Kind kind = LrSchedule.Kind.valueOf(o.getString("schedule").toUpperCase(Locale.ROOT));
        return new LrSchedule(o.getDouble("lr"), kind, o.getInt("warmup-steps"), o.getDouble("warmup-factor"),
                milestones, o.getDouble("gamma"), epochs * stepsPerEpoch, o.getDouble("min-lr"));
    }

    public static Trainer.Settings settings(Options o, String resolvedConfig) {
        if (o.getInt("epochs") < 1) {
            throw o.invalid("epochs", "must be at least 1");
        }
        if (o.getDouble("lr") <= 0) {
            throw o.invalid("lr", "must be positive");
        }
        int evalEvery = o.getInt("eval-every");
        // 0 means "only at the end": the trainer evaluates the last epoch whenever the cadence is positive.
        int cadence = evalEvery <= 0 ? o.getInt("epochs") : evalEvery;
        return new Trainer.Settings(o.getInt("epochs"), o.getInt("checkpoint-every"), o.getInt("keep-checkpoints"),
                cadence, o.getDouble("grad-clip"), resolvedConfig);
    }
}
