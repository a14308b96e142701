package io.hdkd.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Maven builds run inside an it-test, as a plugin author outside hdkd's build would run them: with a local repository
 * of their own (in the test's temporary folder, or a staged one) and the outer build's local repository as a
 * read-only file:// remote for everything else (DJL, Guice, JUnit, Maven's plugins). Nothing is installed into the
 * user's repository. Offline when the outer build is.
 */
final class NestedMaven {

    private NestedMaven() {}

    /** Writes a settings file: {@code local} as local repository, the outer build's repository as a remote. */
    static Path settings(Path file, Path local) throws IOException {
        String url = Path.of(property("hdkd.outer.repo")).toUri().toString();
        String repository = "<id>outer-local</id><url>" + url + "</url>"
                + "<releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>"
                + "<snapshots><enabled>false</enabled></snapshots>";
        return Files.writeString(file, "<settings>\n"
                + "  <localRepository>" + local + "</localRepository>\n"
                + "  <profiles><profile><id>outer-local</id>\n"
                + "    <repositories><repository>" + repository + "</repository></repositories>\n"
                + "    <pluginRepositories><pluginRepository>" + repository + "</pluginRepository></pluginRepositories>\n"
                + "  </profile></profiles>\n"
                + "  <activeProfiles><activeProfile>outer-local</activeProfile></activeProfiles>\n"
                + "</settings>\n");
    }

    /** The mvn executable of the outer build. */
    static String mvn() {
        return Path.of(property("hdkd.maven.home"), "bin", "mvn").toString();
    }

    /** {@code -B -s settings}, and offline flags when the outer build is offline. */
    static List<String> options(Path settings) {
        List<String> out = new ArrayList<>(List.of("-B", "-s", settings.toString()));
        if (property("hdkd.outer.offline").equals("offline=true")) {
            // Offline, but the outer repository is a file:// one and may be read.
            out.addAll(List.of("-o", "-Daether.offline.protocols=file"));
        }
        return out;
    }

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; run through 'mvn verify'");
        }
        return v;
    }
}
