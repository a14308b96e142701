package com.example.fcos;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.head.Boxes;

/**
 * FCOS's assignment of objects to locations, for one image, all in array operations.
 *
 * <p>A location (the centre of a feature-map cell, in input pixels) is a candidate for an object if it lies inside
 * the box and, with centre sampling, within {@code radius x stride} of the box centre (the sampling box clipped to
 * the object); and if its largest distance to the object's sides is within its level's size range. Among candidate
 * objects it takes the one of smallest area, as the paper resolves ambiguity. Everything else is background.
 */
final class FcosTargets {

    /** Larger than any box area, marks "not a candidate". */
    private static final float NOT_A_CANDIDATE = 1e12f;

    private final double radius;

    FcosTargets(double radius) {
        this.radius = radius;
    }

    /**
     * The targets of one image.
     *
     * @param classes P x C one-hot class of positive locations, zeros elsewhere
     * @param positive P, 1 for positive locations
     * @param boxes P x 4, the assigned object's box for positives; a one-pixel box at the location elsewhere, so
     *     that every row is a valid box (the loss weights them 0)
     * @param centerness P, the centerness of the location within its object for positives, 0 elsewhere
     */
    record Image(NDArray classes, NDArray positive, NDArray boxes, NDArray centerness) {}

    /**
     * @param points P x 2 location centres {@code x, y} of all levels, concatenated
     * @param strides P, each location's stride
     * @param ranges P x 2, each location's regression range {@code (lo, hi]}
     */
    Image assign(NDManager manager, NDArray points, NDArray strides, NDArray ranges, ImageTargets target,
            int numClasses) {
        long p = points.getShape().get(0);
        NDArray gt = target.boxes().toDevice(points.getDevice(), true).toType(DataType.FLOAT32, false)
                .reshape(-1, 4);
        gt.attach(manager);
        long m = gt.getShape().get(0);
        NDArray pointBoxes = NDArrays.concat(new NDList(points.sub(0.5f), points.add(0.5f)), 1);
        if (m == 0) {
            return new Image(manager.zeros(new Shape(p, numClasses)), manager.zeros(new Shape(p)), pointBoxes,
                    manager.zeros(new Shape(p)));
        }
        NDArray labels = target.labels().toDevice(points.getDevice(), true).toType(DataType.INT64, false)
                .reshape(-1);
        labels.attach(manager);
        if (labels.size() != m) {
            throw new IllegalArgumentException("targets have " + m + " boxes but " + labels.size() + " labels");
        }
        long min = labels.min().getLong();
        long max = labels.max().getLong();
        if (min < 0 || max >= numClasses) {
            throw new IllegalArgumentException("target labels must be in [0, " + numClasses + "), got " + min
                    + ".." + max);
        }

        NDArray distances = Boxes.toDistances(points.expandDims(1), gt.expandDims(0)); // P x M x 4
        NDArray inside = distances.min(new int[] {2}).gt(0f);
        if (radius > 0) {
            // The sampling box: the centre +- radius x stride, clipped to the object.
            NDArray centre = gt.get(":, :2").add(gt.get(":, 2:")).mul(0.5f).expandDims(0); // 1 x M x 2
            NDArray reach = strides.mul((float) radius).reshape(p, 1, 1); // P x 1 x 1
            NDArray sampleBox = NDArrays.concat(new NDList(
                    centre.sub(reach).maximum(gt.get(":, :2").expandDims(0)),
                    centre.add(reach).minimum(gt.get(":, 2:").expandDims(0))), 2); // P x M x 4
            inside = inside.logicalAnd(Boxes.toDistances(points.expandDims(1), sampleBox).min(new int[] {2}).gt(0f));
        }
        NDArray reachOut = distances.max(new int[] {2}); // P x M
        NDArray inRange = reachOut.gt(ranges.get(":, 0:1")).logicalAnd(reachOut.lte(ranges.get(":, 1:2")));
        NDArray candidate = inside.logicalAnd(inRange);

        NDArray area = Boxes.area(gt).expandDims(0).broadcast(p, m);
        NDArray candidateArea = NDArrays.where(candidate, area, manager.full(new Shape(p, m), NOT_A_CANDIDATE));
        NDArray assigned = candidateArea.argMin(1); // P, index of the smallest candidate object
        NDArray positive = candidateArea.min(new int[] {1}).lt(NOT_A_CANDIDATE).toType(DataType.FLOAT32, false);

        NDArray classes = labels.get(new NDIndex("{}", assigned)).oneHot(numClasses, DataType.FLOAT32)
                .mul(positive.expandDims(1));
        NDArray isPositive = positive.gt(0f).expandDims(1).broadcast(p, 4);
        NDArray boxes = NDArrays.where(isPositive, gt.get(new NDIndex("{}", assigned)), pointBoxes);
        NDArray centerness = centerness(Boxes.toDistances(points, boxes)).mul(positive);
        return new Image(classes, positive, boxes, centerness);
    }

    /**
     * FCOS's centerness target {@code sqrt(min(l, r) / max(l, r) x min(t, b) / max(t, b))} of {@code ... x 4}
     * distances: 1 at the box centre, towards 0 at its sides.
     */
    static NDArray centerness(NDArray ltrb) {
        NDArray lr = ltrb.get("..., 0::2");
        NDArray tb = ltrb.get("..., 1::2");
        NDArray ratioX = lr.min(new int[] {-1}).div(lr.max(new int[] {-1}).maximum(1e-6f));
        NDArray ratioY = tb.min(new int[] {-1}).div(tb.max(new int[] {-1}).maximum(1e-6f));
        return ratioX.mul(ratioY).maximum(0f).sqrt();
    }
}
