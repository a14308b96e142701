package io.hdkd.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd bench ...}: speed and memory benchmarks. Every benchmark ends its output with the machine-readable
 * lines of {@link io.hdkd.core.bench.BenchReport}. Timings live here, never in tests.
 */
@Command(name = "bench", description = "Speed and memory benchmarks (figures go to docs/BENCHMARKS.md).",
        subcommands = {BenchEvalCommand.class, BenchLoaderCommand.class, BenchPredictCommand.class,
            BenchBackboneCommand.class, BenchTrainCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a benchmark: " + spec.subcommands().keySet());
    }
}
