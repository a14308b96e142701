package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.api.Scalars;
import java.util.List;

/**
 * Foreground-aware feature imitation: the focal part of FGD (Yang et al., CVPR 2022), as an option of the feature
 * losses ({@code mask = gt}). See docs/METHOD.md for the formulas and where this differs from FGD.
 *
 * <ul>
 *   <li>Ground-truth masks per level: a cell {@code (i, j)} of a stride-{@code s} grid covers input pixels
 *       {@code [j s, (j + 1) s) x [i s, (i + 1) s)}; a box covers the cells its area overlaps. The foreground mask
 *       (FGD's scale mask) is {@code 1 / (cells of the box)} on a box's cells (the largest value where boxes
 *       overlap, i.e. the smallest box's), 0 elsewhere; the background mask is {@code 1 / (uncovered cells)} on the
 *       cells no box covers, so each image's background sums to 1 and each box's cells sum to 1.</li>
 *   <li>Teacher attention: spatial {@code A^S = H W softmax_{hw}(mean_c |t| / T)}, channel
 *       {@code A^C = C softmax_c(mean_{hw} |t| / T)}; they weight the squared error of each element.</li>
 *   <li>Attention imitation: the mean absolute difference between student and teacher attention maps.</li>
 * </ul>
 */
final class FocalImitation {

    static final String MASK = "mask";
    static final String FOREGROUND_WEIGHT = "foreground-weight";
    static final String BACKGROUND_WEIGHT = "background-weight";
    static final String ATTENTION_WEIGHT = "attention-weight";
    static final String ATTENTION_TEMPERATURE = "attention-temperature";

    /**
     * The configured weights: foreground (FGD's alpha), background (beta), attention imitation (gamma), and the
     * attention temperature T.
     */
    record Settings(double foregroundWeight, double backgroundWeight, double attentionWeight, double temperature) {}

    /** The three terms of one level (scalars): foreground and background imitation, attention imitation. */
    record Terms(NDArray foreground, NDArray background, NDArray attention) {

        /** {@code alpha * fg + beta * bg} scaled by {@code scale}, plus {@code gamma * attention}. */
        NDArray weighted(Settings s, double scale) {
            NDArray features = Scalars.mul(foreground, s.foregroundWeight() * scale)
                    .add(Scalars.mul(background, s.backgroundWeight() * scale));
            return features.add(Scalars.mul(attention, s.attentionWeight()));
        }
    }

    private FocalImitation() {}

    /** The options, shared by every loss that offers the mask. */
    static List<OptionSpec> options() {
        return List.of(
                OptionSpec.choice(MASK, "none",
                        "none: every location alike (the plain loss); gt: FGD's focal imitation, ground-truth "
                                + "foreground and background masks (scale-normalised per box and per image) "
                                + "weighted by the teacher's spatial and channel attention, plus attention imitation",
                        "none", "gt"),
                OptionSpec.number(FOREGROUND_WEIGHT, 1.0, "with mask=gt: weight of the foreground term (FGD alpha)"),
                OptionSpec.number(BACKGROUND_WEIGHT, 0.5, "with mask=gt: weight of the background term (FGD beta)"),
                OptionSpec.number(ATTENTION_WEIGHT, 0.5,
                        "with mask=gt: weight of the attention-imitation term (FGD gamma); 0 leaves it out"),
                OptionSpec.number(ATTENTION_TEMPERATURE, 0.5,
                        "with mask=gt: temperature T > 0 of the spatial and channel attention softmax"));
    }

    /** The settings, or null for {@code mask = none}. */
    static Settings settings(Options options) {
        if (options.getString(MASK).equals("none")) {
            return null;
        }
        double t = options.getDouble(ATTENTION_TEMPERATURE);
        if (!(t > 0) || Double.isInfinite(t)) {
            throw options.invalid(ATTENTION_TEMPERATURE, "the temperature must be a finite number > 0");
        }
        return new Settings(nonNegative(options, FOREGROUND_WEIGHT), nonNegative(options, BACKGROUND_WEIGHT),
                nonNegative(options, ATTENTION_WEIGHT), t);
    }

    private static double nonNegative(Options options, String key) {
        double v = options.getDouble(key);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw options.invalid(key, "must be a finite number >= 0");
        }
        return v;
    }

    /**
     * The foreground (scale) and background masks of one image on a {@code height x width} grid of stride
     * {@code stride}, row-major.
     *
     * @param boxes {@code x1, y1, x2, y2} per box, in input pixels
     * @return {@code {foreground, background}}, each {@code height * width}
     */
    static float[][] masks(float[] boxes, int height, int width, int stride) {
        float[] fg = new float[height * width];
        for (int b = 0; b + 3 < boxes.length; b += 4) {
            int[] cols = span(boxes[b], boxes[b + 2], stride, width);
            int[] rows = span(boxes[b + 1], boxes[b + 3], stride, height);
            if (cols == null || rows == null) {
                continue;
            }
            float value = 1f / ((rows[1] - rows[0] + 1) * (cols[1] - cols[0] + 1));
            for (int i = rows[0]; i <= rows[1]; i++) {
                for (int j = cols[0]; j <= cols[1]; j++) {
                    fg[i * width + j] = Math.max(fg[i * width + j], value);
                }
            }
        }
        int background = 0;
        for (float v : fg) {
            if (v == 0) {
                background++;
            }
        }
        float[] bg = new float[fg.length];
        if (background > 0) {
            for (int c = 0; c < fg.length; c++) {
                bg[c] = fg[c] == 0 ? 1f / background : 0f;
            }
        }
        return new float[][] {fg, bg};
    }

    /**
     * The first and last cell (inclusive) of {@code [lo, hi]} on an axis of {@code cells} cells of size
     * {@code stride}: the cells whose extent overlaps it; the one cell holding {@code lo} for a zero-size box; null if
     * it lies outside the grid or is not a finite, ordered interval.
     */
    private static int[] span(float lo, float hi, int stride, int cells) {
        if (!(hi >= lo) || Float.isInfinite(lo) || Float.isInfinite(hi)) {
            return null;
        }
        int first = (int) Math.floor(lo / stride);
        int last = (int) Math.ceil(hi / stride) - 1;
        last = Math.max(last, first);
        first = Math.max(first, 0);
        last = Math.min(last, cells - 1);
        return first <= last ? new int[] {first, last} : null;
    }

    /**
     * Foreground and background masks of a batch, each {@code N x 1 x H x W} float32 in {@code manager}.
     *
     * @param what the loss and level, for the error message
     */
    static NDArray[] masks(List<ImageTargets> targets, long batch, int height, int width, int stride,
            NDManager manager, String what) {
        if (targets.size() != batch) {
            throw new InvalidInputException(what + ": mask = gt needs the ground truth of each image, got "
                    + targets.size() + " targets for a batch of " + batch);
        }
        int cells = height * width;
        float[] fg = new float[(int) batch * cells];
        float[] bg = new float[(int) batch * cells];
        for (int n = 0; n < batch; n++) {
            NDArray boxes = targets.get(n).boxes();
            float[] b = boxes.size() == 0 ? new float[0] : boxes.toType(DataType.FLOAT32, false).toFloatArray();
            float[][] m = masks(b, height, width, stride);
            System.arraycopy(m[0], 0, fg, n * cells, cells);
            System.arraycopy(m[1], 0, bg, n * cells, cells);
        }
        Shape shape = new Shape(batch, 1, height, width);
        return new NDArray[] {manager.create(fg, shape), manager.create(bg, shape)};
    }

    /** {@code H W softmax over (h, w) of mean_c |x| / T}, {@code N x 1 x H x W}; sums to {@code H W} per image. */
    static NDArray spatialAttention(NDArray x, double temperature) {
        Shape s = x.getShape();
        long cells = s.get(2) * s.get(3);
        NDArray map = x.abs().mean(new int[] {1}).reshape(s.get(0), cells);
        return Scalars.mul(Scalars.div(map, temperature).softmax(1), cells).reshape(s.get(0), 1, s.get(2), s.get(3));
    }

    /** {@code C softmax over c of mean_{hw} |x| / T}, {@code N x C x 1 x 1}; sums to {@code C} per image. */
    static NDArray channelAttention(NDArray x, double temperature) {
        Shape s = x.getShape();
        NDArray map = x.abs().mean(new int[] {3}).mean(new int[] {2});
        return Scalars.mul(Scalars.div(map, temperature).softmax(1), s.get(1)).reshape(s.get(0), s.get(1), 1, 1);
    }

    /**
     * Attention imitation: {@code mean |A^S_s - A^S_t| + mean |A^C_s - A^C_t|}, each a mean over the batch's
     * elements (FGD sums them per image; see docs/METHOD.md).
     */
    static NDArray attentionImitation(NDArray studentRaw, NDArray teacherRaw, double temperature) {
        NDArray spatial = spatialAttention(studentRaw, temperature)
                .sub(spatialAttention(teacherRaw, temperature)).abs().mean();
        NDArray channel = channelAttention(studentRaw, temperature)
                .sub(channelAttention(teacherRaw, temperature)).abs().mean();
        return spatial.add(channel);
    }

    /**
     * The terms of one level.
     *
     * @param studentRaw the aligned student map, {@code N x C x H x W}: its attention is compared with the teacher's
     * @param teacherRaw the teacher map: its attention weights the error
     * @param student the student map as the loss compares it (e.g. standardised for pkd), {@code N x C x H x W}
     * @param teacher the teacher map as the loss compares it
     * @param fg foreground mask {@code N x 1 x H x W}
     * @param bg background mask {@code N x 1 x H x W}
     */
    static Terms level(NDArray studentRaw, NDArray teacherRaw, NDArray student, NDArray teacher, NDArray fg,
            NDArray bg, Settings settings) {
        Shape s = teacher.getShape();
        double t = settings.temperature();
        NDArray weight = spatialAttention(teacherRaw, t).mul(channelAttention(teacherRaw, t));
        NDArray error = student.sub(teacher).square().mul(weight);
        double norm = (double) s.get(0) * s.get(1);
        NDArray foreground = Scalars.div(error.mul(fg).sum(), norm);
        NDArray background = Scalars.div(error.mul(bg).sum(), norm);
        NDArray attention = settings.attentionWeight() > 0
                ? attentionImitation(studentRaw, teacherRaw, t)
                : foreground.zerosLike();
        return new Terms(foreground, background, attention);
    }
}
