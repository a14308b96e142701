package io.hdkd.core.config;

import io.hdkd.api.ComponentKind;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Names;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.api.WeightSchedule;
import io.hdkd.core.plugin.ComponentRegistry;
import io.hdkd.core.plugin.RegisteredComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns the user's keys (the config file with {@code --set} on top) into a {@link ResolvedConfig}, strictly.
 *
 * <p>Each key belongs to exactly one place: a core section ({@link ConfigSchema}), a component slot (its {@code type},
 * a host key such as {@code model.backbone.weights}, or an option of the chosen component, validated by
 * {@link Options#of}), or {@code distill.losses}. Anything else is an unknown key, reported with the closest known
 * key. Keys are checked in sorted order so the first error reported does not depend on file order.
 */
public final class ConfigResolver {

    private static final Pattern LOSS_ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final ComponentRegistry registry;
    private final ConfigSchema schema;

    public ConfigResolver(ComponentRegistry registry, ConfigSchema schema) {
        this.registry = registry;
        this.schema = schema;
    }

    /**
     * @param given the user's keys and values, highest layer applied
     * @throws InvalidInputException with one line naming the key on the first problem
     */
    public ResolvedConfig resolve(Map<String, String> given) {
        Map<String, String> keys = new TreeMap<>(given);

        List<String> lossIds = lossIds(keys.get(ComponentSlot.LOSSES_KEY));
        List<ComponentSlot> slots = new ArrayList<>(ComponentSlot.FIXED);
        for (String id : lossIds) {
            slots.add(ComponentSlot.loss(id));
        }

        // First the types, so that the chosen components' options count as known keys.
        Map<String, RegisteredComponent> chosen = new LinkedHashMap<>();
        for (ComponentSlot slot : slots) {
            String type = keys.get(slot.typeKey());
            if (type != null) {
                chosen.put(slot.prefix(), component(slot, type));
            }
        }
        Set<String> known = knownKeys(slots, chosen);

        Map<String, Map<String, String>> bySection = new LinkedHashMap<>();
        Map<String, Map<String, String>> bySlot = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            String key = e.getKey();
            if (key.equals(ComponentSlot.LOSSES_KEY)) {
                continue;
            }
            Optional<ComponentSlot> slot = slots.stream().filter(s -> key.startsWith(s.prefix() + ".")).findFirst();
            if (slot.isPresent()) {
                String relative = key.substring(slot.get().prefix().length() + 1);
                if (!relative.equals(ComponentSlot.TYPE)) {
                    bySlot.computeIfAbsent(slot.get().prefix(), k -> new LinkedHashMap<>()).put(relative, e.getValue());
                }
                continue;
            }
            // A loss key whose id is not listed belongs to no section, even one named distill.
            Optional<ConfigSection> section = key.startsWith(ComponentSlot.LOSS_PREFIX + ".")
                    ? Optional.empty()
                    : schema.sectionOf(key);
            if (section.isPresent()) {
                bySection.computeIfAbsent(section.get().prefix(), k -> new LinkedHashMap<>())
                        .put(key.substring(section.get().prefix().length() + 1), e.getValue());
                continue;
            }
            throw unknownKey(key, known);
        }

        Map<String, Options> sections = new LinkedHashMap<>();
        for (ConfigSection s : schema.sections()) {
            sections.put(s.prefix(), Options.of(s.prefix() + ".", s.options(), bySection.getOrDefault(s.prefix(), Map.of())));
        }

        Map<String, ConfiguredComponent> fixed = new LinkedHashMap<>();
        Map<String, ConfiguredComponent> losses = new LinkedHashMap<>();
        Optional<Path> weights = Optional.empty();
        Map<String, Double> lossWeights = new LinkedHashMap<>();
        Map<String, Options> lossSchedules = new LinkedHashMap<>();
        Options assistantSource = Options.of(ComponentSlot.ASSISTANT.prefix() + ".", ComponentSlot.ASSISTANT_OPTIONS,
                Map.of());
        for (ComponentSlot slot : slots) {
            Map<String, String> options = new LinkedHashMap<>(bySlot.getOrDefault(slot.prefix(), Map.of()));
            Map<String, String> host = new LinkedHashMap<>();
            for (String hostKey : slot.hostKeys()) {
                if (options.containsKey(hostKey)) {
                    host.put(hostKey, options.remove(hostKey));
                }
            }
            RegisteredComponent component = chosen.get(slot.prefix());
            if (component == null) {
                if (slot.kind() == ComponentKind.LOSS) {
                    throw new InvalidInputException("missing required key " + slot.typeKey() + " (loss '"
                            + slot.prefix().substring(ComponentSlot.LOSS_PREFIX.length() + 1) + "' is listed in "
                            + ComponentSlot.LOSSES_KEY + "); available: " + available(slot.kind()));
                }
                Set<String> set = new LinkedHashSet<>(options.keySet());
                set.addAll(host.keySet());
                if (!set.isEmpty()) {
                    throw new InvalidInputException(slot.key(set.iterator().next()) + " is set but " + slot.typeKey()
                            + " is not; set it to one of: " + available(slot.kind()));
                }
                continue;
            }
            refuseOptionsOfOtherTypes(slot, component, options.keySet());
            if (slot.equals(ComponentSlot.ASSISTANT)) {
                Options source = Options.of(slot.prefix() + ".", ComponentSlot.ASSISTANT_OPTIONS, host);
                refuseOptionsOfACopiedHead(slot, source, options.keySet());
                assistantSource = source;
            }
            Options validated = Options.of(slot.prefix() + ".", component.factory().options(), options);
            ConfiguredComponent configured = new ConfiguredComponent(slot, component, validated);
            if (slot.kind() == ComponentKind.LOSS) {
                String id = slot.prefix().substring(ComponentSlot.LOSS_PREFIX.length() + 1);
                losses.put(id, configured);
                lossWeights.put(id, lossWeight(slot, host.get(ComponentSlot.WEIGHT)));
                Map<String, String> schedule = new LinkedHashMap<>(host);
                schedule.remove(ComponentSlot.WEIGHT);
                Options scheduleOptions = Options.of(slot.prefix() + ".", ComponentSlot.SCHEDULE_OPTIONS, schedule);
                WeightSchedule.of(scheduleOptions, ComponentSlot.SCHEDULE);
                lossSchedules.put(id, scheduleOptions);
            } else {
                fixed.put(slot.prefix(), configured);
            }
            if (host.containsKey(ComponentSlot.WEIGHTS)) {
                String w = host.get(ComponentSlot.WEIGHTS);
                if (w.isBlank()) {
                    throw new InvalidInputException("bad value for " + slot.key(ComponentSlot.WEIGHTS)
                            + ": expected a path, got ''");
                }
                weights = Optional.of(Path.of(w));
            }
        }
        return new ResolvedConfig(sections, fixed, lossIds, losses, lossWeights, lossSchedules, weights,
                assistantSource);
    }

    /**
     * A copy of the teacher's head is built with the teacher run's options; an option given for it here would be
     * silently ignored, so it is refused.
     */
    private static void refuseOptionsOfACopiedHead(ComponentSlot slot, Options source, Set<String> keys) {
        if (keys.isEmpty() || !source.getString(ComponentSlot.SOURCE).equals(ComponentSlot.SOURCE_TEACHER)) {
            return;
        }
        throw new InvalidInputException(slot.key(keys.iterator().next()) + " is set, but with "
                + slot.key(ComponentSlot.SOURCE) + " = " + ComponentSlot.SOURCE_TEACHER + " the assistant is a copy"
                + " of the teacher's head, built with the teacher run's options: remove it");
    }

    private static double lossWeight(ComponentSlot slot, String raw) {
        if (raw == null) {
            return 1.0;
        }
        double w;
        try {
            w = Double.parseDouble(raw.strip());
        } catch (NumberFormatException e) {
            w = Double.NaN;
        }
        if (!Double.isFinite(w) || w < 0) {
            throw new InvalidInputException("bad value for " + slot.key(ComponentSlot.WEIGHT)
                    + ": expected a number >= 0, got '" + raw.strip() + "'");
        }
        return w;
    }

    /**
     * A key the chosen component does not declare but another component of the same kind does (e.g.
     * {@code model.head.num-convs} with {@code model.head.type = cornernet}) is most likely left over from a config
     * written for that other type: say so, and list what the chosen type accepts, instead of guessing a close name.
     */
    private void refuseOptionsOfOtherTypes(ComponentSlot slot, RegisteredComponent chosen, Set<String> keys) {
        Set<String> accepted = new LinkedHashSet<>();
        for (OptionSpec o : chosen.factory().options()) {
            accepted.add(o.key());
        }
        for (String key : keys) {
            if (accepted.contains(key)) {
                continue;
            }
            List<String> owners = new ArrayList<>();
            for (RegisteredComponent other : registry.components(slot.kind())) {
                if (!other.name().equals(chosen.name())
                        && other.factory().options().stream().anyMatch(o -> o.key().equals(key))) {
                    owners.add(other.name());
                }
            }
            if (!owners.isEmpty()) {
                String label = slot.kind().label();
                throw new InvalidInputException(slot.key(key) + " is an option of the " + String.join("/", owners)
                        + " " + label + ", not of the " + chosen.name() + " " + label + " chosen by " + slot.typeKey()
                        + "; " + chosen.name() + " accepts: "
                        + (accepted.isEmpty() ? "no options" : String.join(", ", accepted)));
            }
        }
    }

    private RegisteredComponent component(ComponentSlot slot, String type) {
        if (type.isBlank()) {
            throw new InvalidInputException("bad value for " + slot.typeKey() + ": expected the name of a "
                    + slot.kind().label() + "; available: " + available(slot.kind()));
        }
        return registry.find(slot.kind(), type).orElseThrow(() -> {
            String closest = Names.closest(type, registry.names(slot.kind()));
            return new InvalidInputException("unknown " + slot.kind().label() + " type '" + type + "' for "
                    + slot.typeKey() + "; available: " + available(slot.kind())
                    + (closest != null && Names.distance(type, closest) <= 3 ? " (did you mean " + closest + "?)" : ""));
        });
    }

    private String available(ComponentKind kind) {
        Set<String> names = registry.names(kind);
        return names.isEmpty()
                ? "none (no loaded plugin provides a " + kind.label() + ")"
                : String.join(", ", names);
    }

    private static List<String> lossIds(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (String part : raw.split(",")) {
            String id = part.strip();
            if (!LOSS_ID.matcher(id).matches()) {
                throw new InvalidInputException("bad value for " + ComponentSlot.LOSSES_KEY
                        + ": expected a comma-separated list of ids (lower-case letters, digits, '-', '_'), got '" + raw + "'");
            }
            if (ids.contains(id)) {
                throw new InvalidInputException("bad value for " + ComponentSlot.LOSSES_KEY + ": '" + id
                        + "' is listed twice");
            }
            ids.add(id);
        }
        return ids;
    }

    private Set<String> knownKeys(List<ComponentSlot> slots, Map<String, RegisteredComponent> chosen) {
        Set<String> known = new LinkedHashSet<>(schema.keys());
        known.add(ComponentSlot.LOSSES_KEY);
        for (ComponentSlot slot : slots) {
            known.add(slot.typeKey());
            for (String hostKey : slot.hostKeys()) {
                known.add(slot.key(hostKey));
            }
            RegisteredComponent c = chosen.get(slot.prefix());
            if (c != null) {
                for (OptionSpec o : c.factory().options()) {
                    known.add(slot.key(o.key()));
                }
            }
        }
        return known;
    }

    private static InvalidInputException unknownKey(String key, Set<String> known) {
        String closest = Names.closest(key, known);
        String hint = key.startsWith(ComponentSlot.LOSS_PREFIX + ".")
                ? " (a loss's keys need its id listed in " + ComponentSlot.LOSSES_KEY + ")"
                : "";
        return new InvalidInputException("unknown key " + key + (closest == null ? "" : "; did you mean " + closest + "?")
                + hint);
    }
}
