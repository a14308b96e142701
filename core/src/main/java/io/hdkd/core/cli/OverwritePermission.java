package io.hdkd.core.cli;

import io.hdkd.core.io.AtomicFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --force}: the user's permission to overwrite outputs that exist. Mixed into the commands that write files or
 * folders the user names; without it, an existing output is refused before any work is done.
 */
final class OverwritePermission {

    @Option(names = "--force", description = "Overwrite outputs that already exist.")
    boolean force;

    /** True if --force was given. */
    boolean granted() {
        return force;
    }

    /**
     * Refuses {@code target} if it exists (a non-empty folder counts) and --force was not given.
     *
     * @throws io.hdkd.api.InvalidInputException naming the path and the flag
     */
    void check(Path target) {
        AtomicFiles.checkWritable(target, force);
    }
}
