package io.hdkd.core.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.coco.CocoReader;
import io.hdkd.core.eval.CocoDetection;
import io.hdkd.core.eval.CocoEvaluator;
import io.hdkd.core.eval.CocoStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synthetic scenes go through the same reader as real COCO data, and their ground truth, scored as if it were a
 * model's detections, is perfect: AP = 1 for every preset.
 */
class SynthRoundTripTest {

    @ParameterizedTest
    @EnumSource(SynthPreset.class)
    void generatedDataReadsBackAndItsGroundTruthScoresPerfectly(SynthPreset preset, @TempDir Path tmp) {
        SynthDatasetWriter.Result written = SynthDatasetWriter.write(new SynthConfig(preset, 12, 128, 7, 0.25), tmp,
                null);
        for (String split : List.of("train", "val")) {
            DetectionDataset read = CocoReader.read(tmp.resolve("annotations/instances_" + split + ".json"),
                    tmp.resolve("images/" + split), new CocoReader.Options(BoxPolicy.ERROR, true)).dataset();
            DetectionDataset expected = split.equals("train") ? written.train() : written.val();
            assertThat(read.categories()).isEqualTo(expected.categories());
            assertThat(read.images()).hasSameSizeAs(expected.images());
            List<CocoDetection> perfect = new ArrayList<>();
            for (ImageRecord image : read.images()) {
                for (ObjectAnnotation a : image.objects()) {
                    perfect.add(new CocoDetection(image.id(), read.categories().get(a.classIndex()).cocoId(), a.x(),
                            a.y(), a.width(), a.height(), 1.0));
                }
            }
            assertThat(perfect).isNotEmpty();
            CocoStats stats = CocoEvaluator.evaluate(read, perfect);
            assertThat(stats.get("AP")).as(preset + " " + split).isCloseTo(1.0, within(1e-12));
            assertThat(stats.get("AP50")).isCloseTo(1.0, within(1e-12));
            assertThat(stats.foundShare()).isCloseTo(1.0, within(1e-12));
        }
    }
}
