package io.hdkd.core.cli;

import io.hdkd.api.ComponentKind;
import io.hdkd.api.OptionSpec;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.LoadedPlugins;
import io.hdkd.core.plugin.PluginInfo;
import io.hdkd.core.plugin.RegisteredComponent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd plugins [--describe]}: the loaded plugins and their components, or every option of every component.
 * Refused plugins are warned about on stderr, one line each, and make the exit code 2.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = {"List the loaded plugins and their components.",
            "Refused plugins are printed as warnings on stderr; the exit code is then 2."})
public final class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--describe", description = "Show every option of every component: key, type, default, "
            + "required, description.")
    boolean describe;

    @Override
    public Integer call() {
        LoadedPlugins loaded = PluginHost.load(spec);
        PrintWriter out = spec.commandLine().getOut();
        if (describe) {
            describe(out, loaded.registry());
        } else {
            list(out, loaded.registry());
        }
        out.flush();
        return loaded.anyRefused() ? ExitCodes.BAD_INPUT : ExitCodes.OK;
    }

    private void list(PrintWriter out, ComponentRegistry registry) {
        if (registry.plugins().isEmpty()) {
            out.println("No plugins loaded from " + PluginHost.pluginsDir(spec));
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PLUGIN", "VERSION", "SOURCE", "COMPONENTS"});
        for (PluginInfo p : registry.plugins()) {
            rows.add(new String[] {p.name(), p.version(), p.sourceText(), components(registry.componentsOf(p))});
        }
        Table.print(out, rows, "");
    }

    /** "backbone: a, b; partitioner: c". */
    static String components(List<RegisteredComponent> components) {
        Map<ComponentKind, List<String>> byKind = new LinkedHashMap<>();
        for (RegisteredComponent c : components) {
            byKind.computeIfAbsent(c.kind(), k -> new ArrayList<>()).add(c.name());
        }
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, names) -> parts.add(kind.label() + ": " + String.join(", ", names)));
        return parts.isEmpty() ? "(none)" : String.join("; ", parts);
    }

    private void describe(PrintWriter out, ComponentRegistry registry) {
        boolean any = false;
        for (ComponentKind kind : ComponentKind.values()) {
            for (RegisteredComponent c : registry.components(kind)) {
                if (any) {
                    out.println();
                }
                any = true;
                out.println(kind.label() + " " + c.name() + "  (plugin " + c.plugin().name() + " " + c.plugin().version()
                        + ", select with " + slotHint(kind) + " = " + c.name() + ")");
                out.println("  " + c.factory().description());
                List<OptionSpec> options = c.factory().options();
                if (options.isEmpty()) {
                    out.println("  (no options)");
                    continue;
                }
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"KEY", "TYPE", "RANGE", "DEFAULT", "REQUIRED", "DESCRIPTION"});
                for (OptionSpec o : options) {
                    rows.add(new String[] {
                        o.key(), typeName(o), o.hasRange() ? o.rangeText() : "-", o.defaultValue() == null ? "-" : o.defaultValue(),
                        o.required() ? "yes" : "no", o.description()});
                }
                Table.print(out, rows, "  ");
            }
        }
        if (!any) {
            out.println("No components loaded from " + PluginHost.pluginsDir(spec));
        }
    }

    static String typeName(OptionSpec o) {
        return switch (o.type()) {
            case CHOICE -> String.join("|", o.choices());
            default -> o.type().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String slotHint(ComponentKind kind) {
        for (ComponentSlot slot : ComponentSlot.FIXED) {
            if (slot.kind() == kind) {
                return slot.typeKey();
            }
        }
        return ComponentSlot.LOSS_PREFIX + ".<id>." + ComponentSlot.TYPE;
    }
}
