package io.hdkd.core.cli;

import io.hdkd.api.HdkdPlugin;
import picocli.CommandLine.IVersionProvider;

/** {@code hdkd --version}: the build's version (from the jar manifest) and the SPI version. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = HdkdCommand.class.getPackage().getImplementationVersion();
        return new String[] {"hdkd " + (v == null ? "(development build)" : v) + ", plugin SPI " + HdkdPlugin.SPI_VERSION};
    }
}
