package io.hdkd.core.config;

import io.hdkd.api.Options;
import io.hdkd.api.WeightSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated configuration with every default filled in: the core sections' options, the filled component slots,
 * the distillation losses in their listed order, and the host's own keys such as the backbone's weights.
 *
 * <p>{@link #toProperties()} writes it back as {@code .properties} text; reading that text back gives the same
 * configuration.
 */
public final class ResolvedConfig {

    private final Map<String, Options> sections;
    private final Map<String, ConfiguredComponent> slots;
    private final List<String> lossIds;
    private final Map<String, ConfiguredComponent> losses;
    private final Map<String, Double> lossWeights;
    private final Map<String, Options> lossSchedules;
    private final Optional<Path> backboneWeights;
    private final Options assistantSource;

    ResolvedConfig(
            Map<String, Options> sections,
            Map<String, ConfiguredComponent> slots,
            List<String> lossIds,
            Map<String, ConfiguredComponent> losses,
            Map<String, Double> lossWeights,
            Map<String, Options> lossSchedules,
            Optional<Path> backboneWeights,
            Options assistantSource) {
        this.sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
        this.slots = Collections.unmodifiableMap(new LinkedHashMap<>(slots));
        this.lossIds = List.copyOf(lossIds);
        this.losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
        this.lossWeights = Collections.unmodifiableMap(new LinkedHashMap<>(lossWeights));
        this.lossSchedules = Collections.unmodifiableMap(new LinkedHashMap<>(lossSchedules));
        this.backboneWeights = backboneWeights;
        this.assistantSource = assistantSource;
    }

    /**
     * The same configuration without what only distillation reads: the given core sections, the partitioner and the
     * losses. This is what a distilled student is saved with, so it loads without the teacher or the loss plugins.
     */
    public ResolvedConfig withoutDistillation(List<String> sectionPrefixes) {
        Map<String, Options> kept = new LinkedHashMap<>(sections);
        sectionPrefixes.forEach(kept::remove);
        Map<String, ConfiguredComponent> fixed = new LinkedHashMap<>(slots);
        fixed.remove(ComponentSlot.PARTITIONER.prefix());
        fixed.remove(ComponentSlot.ASSISTANT.prefix());
        return new ResolvedConfig(kept, fixed, List.of(), Map.of(), Map.of(), Map.of(), backboneWeights,
                Options.of(ComponentSlot.ASSISTANT.prefix() + ".", ComponentSlot.ASSISTANT_OPTIONS, Map.of()));
    }

    /** The options of a core section, e.g. {@code section("run").getLong("seed")}. */
    public Options section(String prefix) {
        Options o = sections.get(prefix);
        if (o == null) {
            throw new IllegalArgumentException("no such section: " + prefix);
        }
        return o;
    }

    /** The component in a fixed slot, if the configuration sets its {@code type}. */
    public Optional<ConfiguredComponent> component(ComponentSlot slot) {
        return Optional.ofNullable(slots.get(slot.prefix()));
    }

    /** The distillation losses, in the order {@code distill.losses} lists them. */
    public List<ConfiguredComponent> losses() {
        List<ConfiguredComponent> out = new ArrayList<>();
        for (String id : lossIds) {
            out.add(losses.get(id));
        }
        return out;
    }

    public List<String> lossIds() {
        return lossIds;
    }

    /** The weight of loss {@code id} in the total ({@code distill.loss.<id>.weight}, default 1). */
    public double lossWeight(String id) {
        Double w = lossWeights.get(id);
        if (w == null) {
            throw new IllegalArgumentException("no such loss: " + id);
        }
        return w;
    }

    /**
     * The schedule of loss {@code id}'s weight ({@code distill.loss.<id>.schedule*}; constant when not configured).
     */
    public WeightSchedule lossSchedule(String id) {
        Options o = lossSchedules.get(id);
        if (o == null) {
            if (!lossWeights.containsKey(id)) {
                throw new IllegalArgumentException("no such loss: " + id);
            }
            return WeightSchedule.CONSTANT;
        }
        return WeightSchedule.of(o, ComponentSlot.SCHEDULE);
    }

    /**
     * True if the assistant head is a frozen copy of the teacher's ({@code distill.assistant.source = teacher}),
     * false if it is a fresh head (the default) or there is none.
     */
    public boolean assistantFromTeacher() {
        return slots.containsKey(ComponentSlot.ASSISTANT.prefix())
                && assistantSource.getString(ComponentSlot.SOURCE).equals(ComponentSlot.SOURCE_TEACHER);
    }

    /** {@code model.backbone.weights}: weights to load into the backbone, if given. */
    public Optional<Path> backboneWeights() {
        return backboneWeights;
    }

    public long seed() {
        return section(RunSection.SECTION.prefix()).getLong(RunSection.SEED);
    }

    /** Every resolved key and value, in a stable order: sections, fixed slots, then losses. */
    public Map<String, String> asMap() {
        Map<String, String> out = new LinkedHashMap<>();
        sections.forEach((prefix, options) -> options.resolved().forEach((k, v) -> out.put(prefix + "." + k, v)));
        for (ComponentSlot slot : ComponentSlot.FIXED) {
            ConfiguredComponent c = slots.get(slot.prefix());
            if (c != null && slot.equals(ComponentSlot.ASSISTANT) && assistantFromTeacher()) {
                // A copy of the teacher's head is built with the teacher run's options, so its own are not written
                // (they would be refused when read back); only a source other than the default is written at all.
                out.put(slot.typeKey(), c.type());
                out.put(slot.key(ComponentSlot.SOURCE), ComponentSlot.SOURCE_TEACHER);
            } else if (c != null) {
                putComponent(out, c);
                if (slot.equals(ComponentSlot.BACKBONE)) {
                    backboneWeights.ifPresent(w -> out.put(slot.key(ComponentSlot.WEIGHTS), w.toString()));
                }
            }
        }
        if (!lossIds.isEmpty()) {
            out.put(ComponentSlot.LOSSES_KEY, String.join(", ", lossIds));
            for (String id : lossIds) {
                ConfiguredComponent c = losses.get(id);
                putComponent(out, c);
                out.put(c.slot().key(ComponentSlot.WEIGHT), Double.toString(lossWeights.get(id)));
                // only a schedule that does something is written, so configurations without one read as before
                if (!lossSchedule(id).isConstant()) {
                    lossSchedules.get(id).resolved().forEach((k, v) -> out.put(c.slot().key(k), v));
                }
            }
        }
        return out;
    }

    private static void putComponent(Map<String, String> out, ConfiguredComponent c) {
        out.put(c.slot().typeKey(), c.type());
        c.options().resolved().forEach((k, v) -> out.put(c.slot().key(k), v));
    }

    /** The configuration as {@code .properties} text that reads back to the same configuration. */
    public String toProperties() {
        StringBuilder sb = new StringBuilder();
        sb.append("# hdkd configuration, resolved: every default filled in\n");
        String group = null;
        for (Map.Entry<String, String> e : asMap().entrySet()) {
            String g = groupOf(e.getKey());
            if (group != null && !g.equals(group)) {
                sb.append('\n');
            }
            group = g;
            sb.append(escapeKey(e.getKey())).append(" = ").append(escapeValue(e.getValue())).append('\n');
        }
        return sb.toString();
    }

    private static String groupOf(String key) {
        for (ComponentSlot slot : ComponentSlot.FIXED) {
            if (key.startsWith(slot.prefix() + ".")) {
                return slot.prefix();
            }
        }
        if (key.startsWith(ComponentSlot.LOSS_PREFIX) || key.equals(ComponentSlot.LOSSES_KEY)) {
            return ComponentSlot.LOSS_PREFIX;
        }
        int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    private static String escapeKey(String key) {
        return escape(key, true);
    }

    private static String escapeValue(String value) {
        return escape(value, false);
    }

    /**
     * Properties escaping: backslash, line breaks, separators in keys, a leading blank in values; other control
     * characters and lone surrogates as {@code \\uXXXX}, so that the text is valid Unicode (it is written as UTF-8).
     */
    private static String escape(String s, boolean key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '=', ':', ' ', '#', '!' -> {
                    if (key || (i == 0 && (c == ' ' || c == '#' || c == '!'))) {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c) || Character.isISOControl(c)) {
                        // a lone surrogate (from a "\\uD800" escape in the file) cannot be written as UTF-8
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
