package io.hdkd.core.cli;

import io.hdkd.core.engine.IsaCheck;
import io.hdkd.core.engine.MachineKey;
import io.hdkd.core.engine.OneDnnIsa;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd isa-check [--recheck]}: decides which instruction set oneDNN may use on this machine (see
 * {@link OneDnnIsa}): runs the convolution kernel check in a child JVM unless a decision is cached (or the user set
 * {@code ONEDNN_MAX_CPU_ISA}), caches it, and prints one line. bin/hdkd runs it once before the first command that
 * trains or evaluates; the decision applies to every hdkd started afterwards.
 */
@Command(name = "isa-check", mixinStandardHelpOptions = true,
        description = {"Decide, by measurement, which instruction set oneDNN's convolutions may use on this machine "
                + "(ONEDNN_MAX_CPU_ISA: ALL if the AVX-512/AVX2 kernels give correct, repeatable gradients, else a "
                + "cap); cached per CPU model, processor count and libtorch; bin/hdkd applies it to every later "
                + "command. An ONEDNN_MAX_CPU_ISA you set yourself always wins."})
public final class IsaCheckCommand implements Callable<Integer> {

    /**
     * A child that prints nothing for this long is taken for hung. It prints a line per shape and thread count (30
     * lines, about 10-30 s of CPU in all), so this is generous even on a loaded 2-core machine, where the whole check
     * has taken over 15 minutes of wall time.
     */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--recheck", description = "Run the check again even if a decision is cached.")
    boolean recheck;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OneDnnIsa.Decision d = decide(recheck, err);
        out.println("oneDNN instruction set: " + d.isa() + " (" + describe(d) + ")");
        out.flush();
        return ExitCodes.OK;
    }

    /** Runs (or reads) the decision, warnings to {@code err}; shared with {@code hdkd doctor --recheck}. */
    static OneDnnIsa.Decision decide(boolean recheck, PrintWriter err) {
        return OneDnnIsa.decide(System.getenv(), MachineKey.current(), IsaCheck.inChildJvm(TIMEOUT), recheck,
                w -> {
                    err.println("hdkd: warning: " + w);
                    err.flush();
                },
                r -> { });
    }

    static String describe(OneDnnIsa.Decision d) {
        return switch (d.source()) {
            case USER -> d.reason();
            case CACHE -> "cached in " + d.file() + ", " + d.reason();
            case CHECK -> "checked now, cached in " + d.file() + ": " + d.reason();
            case DEFAULT -> d.reason();
        };
    }
}
