package io.hdkd.core.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One run of a sweep: a grid point (its setting) and a seed.
 *
 * @param setting the grid point's overrides, key to value, in grid order
 * @param seed the value given to {@code run.seed}
 */
public record SweepRun(Map<String, String> setting, long seed) {

    /** Longer folder names are shortened (with a hash of the full name, so they stay distinct). */
    private static final int MAX_NAME = 120;

    public SweepRun {
        setting = Collections.unmodifiableMap(new LinkedHashMap<>(setting));
    }

    /** The setting as text, {@code key=value} joined by {@code ", "}; {@code (base)} for the empty grid point. */
    public static String settingLabel(Map<String, String> setting) {
        if (setting.isEmpty()) {
            return "(base)";
        }
        return setting.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    public String settingLabel() {
        return settingLabel(setting);
    }

    /** The run's folder name: {@code key=value__...__seed=N}, with characters unsafe in file names replaced. */
    public String name() {
        StringBuilder sb = new StringBuilder();
        setting.forEach((k, v) -> sb.append(k).append('=').append(v).append("__"));
        sb.append("seed=").append(seed);
        String name = sb.toString().replaceAll("[^A-Za-z0-9._=+-]", "_");
        if (name.length() <= MAX_NAME) {
            return name;
        }
        return name.substring(0, MAX_NAME - 17) + "~" + hash(sb.toString()) + "__seed=" + seed;
    }

    private static String hash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
