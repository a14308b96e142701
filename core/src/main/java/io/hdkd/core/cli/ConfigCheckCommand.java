package io.hdkd.core.cli;

import io.hdkd.core.config.ConfigResolver;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.pipeline.Pipelines;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.validation.RunValidation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hdkd config check FILE [--set k=v]... [--print]}: validates a configuration against the loaded plugins. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a configuration file (with --set overrides) against the loaded plugins.",
            "Runs the checks train, distill and sweep run before they write anything: value ranges, the components'",
            "declared checks, the dataset's files, the model's assembly and, with a teacher, the losses.",
            "Prints OK, or one line per problem naming the key or file, and exits 2."})
public final class ConfigCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Parameters(index = "0", paramLabel = "FILE", description = "The configuration (.properties).")
    Path file;

    @Mixin
    ConfigOverrides overrides;

    @Option(names = "--print", description = "Print the resolved configuration (every default filled in) instead of OK.")
    boolean print;

    @Override
    public Integer call() {
        var raw = overrides.over(file);
        LoadedPlugins loaded = PluginHost.load(spec);
        ResolvedConfig config = new ConfigResolver(loaded.registry(), Pipelines.schema()).resolve(raw);
        // The same pass train, distill and sweep run before they write anything: every problem, one line each.
        List<String> problems = RunValidation.problems(config, loaded.registry(), RunValidation.Purpose.CHECK);
        if (!problems.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            for (String p : problems) {
                err.println("hdkd: error: " + p);
            }
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (print) {
            out.print(config.toProperties());
        } else {
            out.println("OK: " + file);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
