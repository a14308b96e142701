package io.hdkd.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.hdkd.core.eval.CocoDetection;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DetectionPainterTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void drawsTheBoxOutlineAndItsTagOnACopyAndNothingElse() {
        BufferedImage grey = new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB);
        int background = new Color(128, 128, 128).getRGB() & 0xffffff;
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 100; x++) {
                grey.setRGB(x, y, background);
            }
        }
        CocoDetection d = new CocoDetection(1, 3, 20, 30, 40, 30, 0.87);
        BufferedImage out = DetectionPainter.paint(grey, List.of(d), Map.of(3, "cat"));

        assertThat(grey.getRGB(20, 45) & 0xffffff).as("input untouched").isEqualTo(background);
        int edge = out.getRGB(20, 45) & 0xffffff; // left edge, mid-height
        assertThat(edge).isNotEqualTo(background);
        assertThat(out.getRGB(60, 45) & 0xffffff).as("right edge in the same colour").isEqualTo(edge);
        assertThat(out.getRGB(40, 59) & 0xffffff).as("inside").isEqualTo(background);
        assertThat(out.getRGB(90, 75) & 0xffffff).as("far outside").isEqualTo(background);
        // The tag sits above the box's top-left corner.
        int tagPixels = 0;
        for (int y = 0; y < 30; y++) {
            for (int x = 20; x < 60; x++) {
                tagPixels += (out.getRGB(x, y) & 0xffffff) != background ? 1 : 0;
            }
        }
        assertThat(tagPixels).isGreaterThan(50);
    }
}
