package io.hdkd.core.config;

import io.hdkd.api.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;

/**
 * Reads the raw layers of a configuration: a {@code .properties} file (Apache Commons Configuration, no list
 * splitting, no interpolation) and {@code --set key=value} overrides.
 */
public final class ConfigFiles {

    private ConfigFiles() {}

    /**
     * The keys and values of a {@code .properties} file, in file order.
     *
     * @throws InvalidInputException naming the file if it is missing, unreadable, not .properties, or sets a key twice
     */
    public static Map<String, String> read(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
            throw new InvalidInputException("config file " + file + ": only .properties files are supported");
        }
        if (!Files.exists(file)) {
            throw new InvalidInputException("config file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidInputException("config file " + file + " is not a readable file");
        }
        PropertiesConfiguration config = new PropertiesConfiguration();
        try {
            FileHandler handler = new FileHandler(config);
            handler.setEncoding("UTF-8");
            handler.load(file.toFile());
        } catch (ConfigurationException | RuntimeException e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            throw new InvalidInputException("config file " + file + " cannot be read: "
                    + String.valueOf(t.getMessage()).replaceAll("\\s+", " "), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            Object value = config.getProperty(key);
            if (value instanceof Collection<?> values) {
                throw new InvalidInputException("config file " + file + " sets " + key + " " + values.size()
                        + " times; set it once");
            }
            out.put(key.strip(), value == null ? "" : value.toString().strip());
        }
        return out;
    }

    /**
     * Parses {@code --set} arguments of the form {@code key=value}.
     *
     * @throws InvalidInputException for an argument without '=' or with an empty key
     */
    public static Map<String, String> overrides(List<String> sets) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0 || s.substring(0, eq).isBlank()) {
                throw new InvalidInputException("--set expects key=value, got '" + s + "'");
            }
            out.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
        }
        return out;
    }

    /** The file's keys with the overrides applied on top (the two user layers; defaults come from the schema). */
    public static Map<String, String> layered(Path file, List<String> sets) {
        Map<String, String> raw = file == null ? new LinkedHashMap<>() : read(file);
        raw.putAll(overrides(sets));
        return raw;
    }
}
