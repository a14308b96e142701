package io.hdkd.core.config;

import io.hdkd.api.OptionSpec;
import java.util.List;

/** {@code run.*}: settings of a whole run. */
public final class RunSection {

    public static final String SEED = "seed";

    public static final ConfigSection SECTION = new ConfigSection("run", List.of(
            OptionSpec.longInteger(SEED, 42, "Seed of every random choice in the run (initialisation, sampling, "
                    + "augmentation); components derive their own from it.")));

    private RunSection() {}
}
