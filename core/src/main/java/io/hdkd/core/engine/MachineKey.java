package io.hdkd.core.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a oneDNN instruction-set decision holds for: the CPU model name (with its family, model and stepping numbers)
 * and processor count (from {@code /proc/cpuinfo}) and the libtorch build (flavour and version of the
 * {@code pytorch-native-*} jar on the class path, or DJL's {@code PYTORCH_FLAVOR}/{@code PYTORCH_VERSION}/
 * {@code PYTORCH_LIBRARY_PATH} when set). bin/hdkd computes the same key in shell to find the decision file before
 * the JVM starts; {@link #fileName()} is the shared contract (tested against bin/hdkd in the it-tests).
 */
public record MachineKey(String cpuModel, int cores, String libtorch) {

    private static final Pattern NATIVE_JAR =
            Pattern.compile("pytorch-native-([a-z0-9-]+)-([0-9][0-9.]*)(-.*)?\\.jar");
    private static final int MAX_NAME = 200;

    /** This machine and this process's libtorch. */
    public static MachineKey current() {
        return of(readCpuInfo(Path.of("/proc/cpuinfo")), System.getenv(), System.getProperty("java.class.path", ""));
    }

    /** The key from {@code /proc/cpuinfo}'s lines, the environment and a class path. */
    static MachineKey of(List<String> cpuinfo, Map<String, String> env, String classPath) {
        Map<String, String> first = new java.util.HashMap<>();
        int cores = 0;
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String field = line.substring(0, colon).strip();
            if (field.equals("processor")) {
                cores++;
            }
            first.putIfAbsent(field, line.substring(colon + 1).strip());
        }
        String model = first.getOrDefault("model name", "");
        if (model.isEmpty()) {
            model = "unknown";
        }
        // a VM may show one generic name (e.g. "AMD EPYC") for several CPU generations: add what tells them apart
        String family = first.get("cpu family");
        String number = first.get("model");
        String stepping = first.get("stepping");
        if (family != null && number != null && stepping != null) {
            model += " (family " + family + ", model " + number + ", stepping " + stepping + ")";
        }
        return new MachineKey(model, cores, libtorch(env, classPath));
    }

    /** {@code flavour-version}, e.g. {@code cpu-2.7.1}; {@code path-DIR} for a libtorch of the user's. */
    static String libtorch(Map<String, String> env, String classPath) {
        String path = env.get("PYTORCH_LIBRARY_PATH");
        if (path != null && !path.isEmpty()) {
            return "path-" + path;
        }
        String flavour = "unknown";
        String version = "unknown";
        for (String entry : classPath.split(File.pathSeparator)) {
            Matcher m = NATIVE_JAR.matcher(Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName()
                    .toString());
            if (m.matches()) {
                flavour = m.group(1);
                version = m.group(2);
                break;
            }
        }
        if (flavour.equals("unknown")) {
            // a class path bin/hdkd did not write (e.g. a test runner's manifest jar): the native jar's own properties
            String[] fromJar = nativeProperties();
            if (fromJar != null) {
                flavour = fromJar[0];
                version = fromJar[1];
            }
        }
        String f = env.get("PYTORCH_FLAVOR");
        String v = env.get("PYTORCH_VERSION");
        return (f != null && !f.isEmpty() ? f : flavour) + "-" + (v != null && !v.isEmpty() ? v : version);
    }

    /**
     * The decision file's name: {@code LIBTORCH_Ncpu_MODEL.env} with every byte outside {@code [A-Za-z0-9._-]} of its
     * UTF-8 form replaced by {@code _}, cut at 200 characters (bin/hdkd: {@code LC_ALL=C tr -c} and {@code cut}).
     */
    public String fileName() {
        String raw = libtorch + "_" + cores + "cpu_" + cpuModel;
        StringBuilder sb = new StringBuilder();
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            sb.append(ok ? c : '_');
        }
        String name = sb.length() > MAX_NAME ? sb.substring(0, MAX_NAME) : sb.toString();
        return name + ".env";
    }

    @Override
    public String toString() {
        return cpuModel + ", " + cores + " processors, libtorch " + libtorch;
    }

    /** {@code {flavor, version}} from {@code native/lib/pytorch.properties} of the native jar, if on the class path. */
    private static String[] nativeProperties() {
        try (java.io.InputStream in = MachineKey.class.getClassLoader()
                .getResourceAsStream("native/lib/pytorch.properties")) {
            if (in == null) {
                return null;
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            String flavor = p.getProperty("flavor");
            String version = p.getProperty("version");
            if (flavor == null || version == null) {
                return null;
            }
            int dash = version.indexOf('-'); // 2.7.1-20250812: the build date is not part of the jar's name
            return new String[] {flavor, dash < 0 ? version : version.substring(0, dash)};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> readCpuInfo(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
