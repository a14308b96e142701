package io.hdkd.core.pipeline;

import io.hdkd.core.config.ConfigSchema;
import io.hdkd.core.config.ConfigSection;
import io.hdkd.core.config.RunSection;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.util.Seeds;

/** What the training and distillation pipelines share: their configuration schema and seeds. */
public final class Pipelines {

    private Pipelines() {}

    /** Every core section a training or distillation configuration may set. */
    public static ConfigSchema schema() {
        return ConfigSchema.of(
                RunSection.SECTION,
                DatasetSection.SECTION,
                new ConfigSection(LoaderConfig.SECTION, LoaderConfig.options()),
                new ConfigSection(AugmentConfig.SECTION, AugmentConfig.options()),
                TrainSection.SECTION,
                TeacherSection.SECTION,
                DistillSection.SECTION);
    }

    /** The loader's seed: the run's seed mixed with {@code data.loader.seed}, so changing either changes the order. */
    static long loaderSeed(long runSeed, long loaderSeed) {
        return Seeds.mix(runSeed, loaderSeed);
    }
}
