package io.hdkd.core.data.synth;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One rendered synthetic image and its visible objects.
 *
 * @param dropped objects drawn but left unannotated because too little of them remained visible
 */
public record Scene(BufferedImage image, List<SceneObject> objects, int dropped) {

    /**
     * One annotated object: the tight box of its visible pixels ({@code x, y, w, h}, pixel edges) and its visible area
     * in pixels (antialiasing coverage summed).
     */
    public record SceneObject(int classIndex, int x, int y, int width, int height, double area) {}
}
