package io.hdkd.core.eval;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO's bounding-box evaluation, number for number what pycocotools' {@code COCOeval(gt, dt, "bbox")} with default
 * parameters prints (evaluate, accumulate, summarize).
 *
 * <p>The protocol, in the order pycocotools applies it:
 * <ul>
 *   <li>Per (image, category), detections are stably sorted by descending score and only the first
 *       {@code max(maxDets) = 100} are kept; IoUs are computed once for that pair. A crowd ground truth's IoU is
 *       intersection / detection area.
 *   <li>Per area range, a ground truth is ignored if it is a crowd or its {@code area} field is outside the range
 *       (bounds inclusive); ignored ground truths are tried last. Each detection, in score order, takes the
 *       best-IoU ground truth at IoU >= threshold that is still free (crowds are never used up; a later ground truth
 *       with an equal IoU wins), stopping at the first ignored one once a regular one matched. A detection matched
 *       to an ignored ground truth is ignored; an unmatched one is ignored if its {@code w*h} is outside the range.
 *   <li>Per category, area range and maxDets: the first maxDets detections of every image are pooled in image-id
 *       order and stably sorted by descending score; precision is made monotone from the right and sampled at the
 *       101 recall thresholds with a left-sided binary search (0 past the last detection); recall is the last one.
 *       A category without non-ignored ground truth for that area range is undefined (-1) and left out of means.
 * </ul>
 * Thresholds are numpy's {@code linspace} values exactly, since a threshold one ulp off changes results.
 */
public final class CocoEvaluator {

    /** numpy's {@code linspace(0.5, 0.95, 10)}: {@code 0.5 + i * step}, the last exactly 0.95. */
    static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    /** numpy's {@code linspace(0, 1, 101)}: {@code i * 0.01}, the last exactly 1. */
    static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
    /** all, small, medium, large: inclusive bounds on the ground truth's {@code area} (detections: w*h). */
    static final double[][] AREA_RANGES = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};
    static final int[] MAX_DETS = {1, 10, 100};

    private static final int T = IOU_THRESHOLDS.length;
    private static final int R = RECALL_THRESHOLDS.length;
    private static final int A = AREA_RANGES.length;
    private static final int M = MAX_DETS.length;
    private static final int MAX_DET = MAX_DETS[M - 1];
    /** pycocotools' {@code np.spacing(1)} in the precision's denominator. */
    private static final double SPACING_1 = Math.ulp(1.0);
    /** pycocotools caps the IoU threshold just below 1 so that a threshold of 1 can still match. */
    private static final double MAX_IOU_THRESHOLD = 1 - 1e-10;

    private static final byte MATCHED = 1;
    private static final byte IGNORED = 2;

    private CocoEvaluator() {}

    /**
     * Evaluates {@code detections} against {@code groundTruth}.
     *
     * @throws InvalidInputException if a detection names an image or category that the ground truth lacks, or the
     *     ground truth repeats an image id
     */
    public static CocoStats evaluate(DetectionDataset groundTruth, List<CocoDetection> detections) {
        return new Run(groundTruth, detections).run();
    }

    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] v = new double[num];
        for (int i = 0; i < num - 1; i++) {
            v[i] = start + i * step;
        }
        v[num - 1] = stop;
        return v;
    }

    /** One evaluation's state: ground truth and detections bucketed by (category, image), then the result arrays. */
    private static final class Run {
        private final DetectionDataset dataset;
        private final int numImages;
        private final int numClasses;

        // Ground truth sorted by (class, image in id order), file order kept within an image.
        private int[] gtBucket;
        private double[] gtX, gtY, gtW, gtH, gtArea;
        private boolean[] gtCrowd;
        // Detections sorted by (class, image in id order, descending score), at most MAX_DET per bucket.
        private int[] dtBucket;
        private int[] dtRank;
        private double[] dtX, dtY, dtW, dtH, dtScore;

        // precision[t][r][k][a][m] and recall[t][k][a][m], flattened; -1 where undefined.
        private final double[] precision;
        private final double[] recall;
        private long gtFound;
        private final long[] gtCountPerClass;

        Run(DetectionDataset dataset, List<CocoDetection> detections) {
            this.dataset = dataset;
            this.numImages = dataset.images().size();
            this.numClasses = dataset.numClasses();
            this.precision = new double[T * R * numClasses * A * M];
            this.recall = new double[T * numClasses * A * M];
            this.gtCountPerClass = new long[numClasses];
            Arrays.fill(precision, -1);
            Arrays.fill(recall, -1);
            Map<Long, Integer> imageSlot = imageSlotsById(dataset.images());
            bucketGroundTruth(imageSlot);
            bucketDetections(imageSlot, detections);
        }

        /** Position of every image in ascending id order (pycocotools evaluates images sorted by id). */
        private static Map<Long, Integer> imageSlotsById(List<ImageRecord> images) {
            long[] ids = new long[images.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = images.get(i).id();
            }
            long[] sorted = ids.clone();
            Arrays.sort(sorted);
            Map<Long, Integer> slot = new HashMap<>(ids.length * 2);
            for (int i = 0; i < sorted.length; i++) {
                if (slot.put(sorted[i], i) != null) {
                    throw new InvalidInputException("ground truth: image id " + sorted[i] + " appears twice");
                }
            }
            return slot;
        }

        private void bucketGroundTruth(Map<Long, Integer> imageSlot) {
            List<ImageRecord> images = dataset.images();
            int n = 0;
            for (ImageRecord image : images) {
                n += image.objects().size();
            }
            // (bucket << 32 | running index): sorting the keys groups by bucket and keeps file order inside one.
            long[] keys = new long[n];
            ObjectAnnotation[] flat = new ObjectAnnotation[n];
            int i = 0;
            for (ImageRecord image : images) {
                int slot = imageSlot.get(image.id());
                for (ObjectAnnotation o : image.objects()) {
                    if (o.classIndex() < 0 || o.classIndex() >= numClasses) {
                        throw new InvalidInputException("ground truth: annotation id " + o.id()
                                + " has class index " + o.classIndex() + ", expected 0.." + (numClasses - 1));
                    }
                    flat[i] = o;
                    keys[i] = ((long) bucket(o.classIndex(), slot) << 32) | i;
                    i++;
                }
            }
            Arrays.sort(keys);
            gtBucket = new int[n];
            gtX = new double[n];
            gtY = new double[n];
            gtW = new double[n];
            gtH = new double[n];
            gtArea = new double[n];
            gtCrowd = new boolean[n];
            for (int j = 0; j < n; j++) {
                ObjectAnnotation o = flat[(int) keys[j]];
                gtBucket[j] = (int) (keys[j] >>> 32);
                gtX[j] = o.x();
                gtY[j] = o.y();
                gtW[j] = o.width();
                gtH[j] = o.height();
                gtArea[j] = o.area();
                gtCrowd[j] = o.crowd();
                if (!o.crowd()) {
                    gtCountPerClass[o.classIndex()]++;
                }
            }
        }

        private void bucketDetections(Map<Long, Integer> imageSlot, List<CocoDetection> detections) {
            Map<Integer, Integer> classOfCocoId = new HashMap<>();
            List<Category> categories = dataset.categories();
            for (int k = 0; k < categories.size(); k++) {
                classOfCocoId.put(categories.get(k).cocoId(), k);
            }
            int n = detections.size();
            long[] keys = new long[n];
            double[] score = new double[n];
            for (int i = 0; i < n; i++) {
                CocoDetection d = detections.get(i);
                Integer slot = imageSlot.get(d.imageId());
                if (slot == null) {
                    throw new InvalidInputException("detection #" + (i + 1) + ": image_id " + d.imageId()
                            + " is not an image of the ground truth");
                }
                Integer k = classOfCocoId.get(d.categoryId());
                if (k == null) {
                    throw new InvalidInputException("detection #" + (i + 1) + ": category_id " + d.categoryId()
                            + " is not a category of the ground truth");
                }
                if (!Double.isFinite(d.score())) {
                    throw new InvalidInputException("detection #" + (i + 1) + ": score must be a finite number, got "
                            + d.score());
                }
                keys[i] = ((long) bucket(k, slot) << 32) | i;
                score[i] = d.score();
            }
            Arrays.sort(keys);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = (int) keys[i];
            }
            // Within a bucket: stable sort by descending score, keep the first MAX_DET.
            int[] tmp = new int[n];
            int[] keptBucket = new int[n];
            int kept = 0;
            for (int from = 0; from < n; ) {
                int b = (int) (keys[from] >>> 32);
                int to = from;
                while (to < n && (int) (keys[to] >>> 32) == b) {
                    to++;
                }
                StableSort.byDescendingKey(order, from, to, score, tmp);
                int keep = Math.min(to - from, MAX_DET);
                System.arraycopy(order, from, order, kept, keep);
                Arrays.fill(keptBucket, kept, kept + keep, b);
                kept += keep;
                from = to;
            }
            dtBucket = Arrays.copyOf(keptBucket, kept);
            dtRank = new int[kept];
            dtX = new double[kept];
            dtY = new double[kept];
            dtW = new double[kept];
            dtH = new double[kept];
            dtScore = new double[kept];
            for (int j = 0; j < kept; j++) {
                CocoDetection d = detections.get(order[j]);
                dtRank[j] = j > 0 && dtBucket[j - 1] == dtBucket[j] ? dtRank[j - 1] + 1 : 0;
                dtX[j] = d.x();
                dtY[j] = d.y();
                dtW[j] = d.width();
                dtH[j] = d.height();
                dtScore[j] = d.score();
            }
        }

        private int bucket(int classIndex, int imageSlot) {
            long b = (long) classIndex * numImages + imageSlot;
            if (b > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("too many images x classes to evaluate: " + b);
            }
            return (int) b;
        }

        CocoStats run() {
            Workspace ws = new Workspace();
            int g = 0;
            int d = 0;
            for (int k = 0; k < numClasses; k++) {
                long bucketEnd = (long) (k + 1) * numImages;
                int gFrom = g;
                int dFrom = d;
                while (g < gtBucket.length && gtBucket[g] < bucketEnd) {
                    g++;
                }
                while (d < dtBucket.length && dtBucket[d] < bucketEnd) {
                    d++;
                }
                evaluateClass(k, gFrom, g, dFrom, d, ws);
            }
            return summarize();
        }

        /** evaluateImg for every image of class {@code k}, then accumulate for it. */
        private void evaluateClass(int k, int gFrom, int gTo, int dFrom, int dTo, Workspace ws) {
            if (gFrom == gTo && dFrom == dTo) {
                return; // no image has anything for this class: every entry stays -1
            }
            int nSlots = dTo - dFrom;
            byte[] flags = ws.flags(A * T * nSlots);
            int[] nonIgnored = new int[A];
            int g = gFrom;
            int d = dFrom;
            while (g < gTo || d < dTo) {
                int b = Math.min(g < gTo ? gtBucket[g] : Integer.MAX_VALUE, d < dTo ? dtBucket[d] : Integer.MAX_VALUE);
                int g0 = g;
                int d0 = d;
                while (g < gTo && gtBucket[g] == b) {
                    g++;
                }
                while (d < dTo && dtBucket[d] == b) {
                    d++;
                }
                evaluateImage(g0, g, d0, d, d0 - dFrom, nSlots, flags, nonIgnored, ws);
            }
            int[] sorted = ws.ints1(nSlots);
            for (int i = 0; i < nSlots; i++) {
                sorted[i] = dFrom + i;
            }
            // Slots are in (image id, rank) order: a stable sort by score reproduces pycocotools' pooled order.
            StableSort.byDescendingKey(sorted, 0, nSlots, dtScore, ws.ints2(nSlots));
            accumulateClass(k, sorted, nSlots, dFrom, flags, nonIgnored, ws);
        }

        /** pycocotools' evaluateImg for one (image, class), all area ranges and IoU thresholds. */
        private void evaluateImage(int g0, int g1, int d0, int d1, int slot0, int nSlots, byte[] flags,
                int[] nonIgnored, Workspace ws) {
            int nG = g1 - g0;
            int nD = d1 - d0;
            double[] iou = ws.iou(nD * nG);
            for (int i = 0; i < nD; i++) {
                for (int j = 0; j < nG; j++) {
                    iou[i * nG + j] = iou(d0 + i, g0 + j);
                }
            }
            countFound(iou, nD, nG, g0);
            int[] gtOrder = ws.gtOrder(nG);
            boolean[] gtIgnore = ws.gtIgnore(nG);
            boolean[] gtTaken = ws.gtTaken(nG);
            for (int a = 0; a < A; a++) {
                double lo = AREA_RANGES[a][0];
                double hi = AREA_RANGES[a][1];
                // Regular ground truth first, ignored last, each group in file order (a stable sort on the flag).
                int n = 0;
                for (int j = 0; j < nG; j++) {
                    if (!gtCrowd[g0 + j] && !outside(gtArea[g0 + j], lo, hi)) {
                        gtOrder[n++] = j;
                    }
                }
                nonIgnored[a] += n;
                for (int j = 0; j < nG; j++) {
                    if (gtCrowd[g0 + j] || outside(gtArea[g0 + j], lo, hi)) {
                        gtOrder[n++] = j;
                    }
                }
                for (int j = 0; j < nG; j++) {
                    int o = gtOrder[j];
                    gtIgnore[j] = gtCrowd[g0 + o] || outside(gtArea[g0 + o], lo, hi);
                }
                for (int t = 0; t < T; t++) {
                    Arrays.fill(gtTaken, 0, nG, false);
                    int base = (a * T + t) * nSlots + slot0;
                    double threshold = Math.min(IOU_THRESHOLDS[t], MAX_IOU_THRESHOLD);
                    for (int i = 0; i < nD; i++) {
                        double best = threshold;
                        int m = -1;
                        for (int j = 0; j < nG; j++) {
                            int o = gtOrder[j];
                            if (gtTaken[j] && !gtCrowd[g0 + o]) {
                                continue;
                            }
                            if (m > -1 && !gtIgnore[m] && gtIgnore[j]) {
                                break;
                            }
                            double v = iou[i * nG + o];
                            if (v < best) {
                                continue;
                            }
                            best = v;
                            m = j;
                        }
                        byte f;
                        if (m == -1) {
                            double area = dtW[d0 + i] * dtH[d0 + i];
                            f = outside(area, lo, hi) ? IGNORED : 0;
                        } else {
                            gtTaken[m] = true;
                            f = gtIgnore[m] ? (byte) (MATCHED | IGNORED) : MATCHED;
                        }
                        flags[base + i] = f;
                    }
                }
            }
        }

        private static boolean outside(double area, double lo, double hi) {
            return area < lo || area > hi;
        }

        /** maskApi's bbIou: intersection over union, or over the detection's area for a crowd. */
        private double iou(int d, int g) {
            double w = Math.min(dtX[d] + dtW[d], gtX[g] + gtW[g]) - Math.max(dtX[d], gtX[g]);
            if (w <= 0) {
                return 0;
            }
            double h = Math.min(dtY[d] + dtH[d], gtY[g] + gtH[g]) - Math.max(dtY[d], gtY[g]);
            if (h <= 0) {
                return 0;
            }
            double inter = w * h;
            double detArea = dtW[d] * dtH[d];
            double union = gtCrowd[g] ? detArea : detArea + gtW[g] * gtH[g] - inter;
            return inter / union;
        }

        private void countFound(double[] iou, int nD, int nG, int g0) {
            for (int j = 0; j < nG; j++) {
                if (gtCrowd[g0 + j]) {
                    continue;
                }
                for (int i = 0; i < nD; i++) {
                    if (iou[i * nG + j] >= 0.5) {
                        gtFound++;
                        break;
                    }
                }
            }
        }

        /** pycocotools' accumulate for one class: precision at the recall thresholds and final recall. */
        private void accumulateClass(int k, int[] sorted, int nSlots, int dFrom, byte[] flags, int[] nonIgnored,
                Workspace ws) {
            double[] rc = ws.rc(nSlots);
            double[] pr = ws.pr(nSlots);
            for (int a = 0; a < A; a++) {
                int npig = nonIgnored[a];
                if (npig == 0) {
                    continue;
                }
                for (int m = 0; m < M; m++) {
                    int maxDet = MAX_DETS[m];
                    for (int t = 0; t < T; t++) {
                        int base = (a * T + t) * nSlots - dFrom;
                        int nd = 0;
                        long tp = 0;
                        long fp = 0;
                        for (int s = 0; s < nSlots; s++) {
                            int det = sorted[s];
                            if (dtRank[det] >= maxDet) {
                                continue;
                            }
                            byte f = flags[base + det];
                            if ((f & IGNORED) == 0) {
                                if ((f & MATCHED) != 0) {
                                    tp++;
                                } else {
                                    fp++;
                                }
                            }
                            rc[nd] = (double) tp / npig;
                            pr[nd] = tp / ((double) (fp + tp) + SPACING_1);
                            nd++;
                        }
                        recall[recallIndex(t, k, a, m)] = nd > 0 ? rc[nd - 1] : 0;
                        for (int i = nd - 1; i > 0; i--) {
                            if (pr[i] > pr[i - 1]) {
                                pr[i - 1] = pr[i];
                            }
                        }
                        int pi = 0;
                        for (int r = 0; r < R; r++) {
                            pi = lowerBound(rc, pi, nd, RECALL_THRESHOLDS[r]);
                            precision[precisionIndex(t, r, k, a, m)] = pi < nd ? pr[pi] : 0;
                        }
                    }
                }
            }
        }

        /** First index in {@code [from, to)} whose value is >= {@code key} (numpy searchsorted side='left'). */
        private static int lowerBound(double[] v, int from, int to, double key) {
            int lo = from;
            int hi = to;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (v[mid] < key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private int precisionIndex(int t, int r, int k, int a, int m) {
            return (((t * R + r) * numClasses + k) * A + a) * M + m;
        }

        private int recallIndex(int t, int k, int a, int m) {
            return ((t * numClasses + k) * A + a) * M + m;
        }

        private CocoStats summarize() {
            double[] s = new double[12];
            s[0] = meanPrecision(-1, 0, 2, -1);
            s[1] = meanPrecision(0, 0, 2, -1);
            s[2] = meanPrecision(5, 0, 2, -1);
            s[3] = meanPrecision(-1, 1, 2, -1);
            s[4] = meanPrecision(-1, 2, 2, -1);
            s[5] = meanPrecision(-1, 3, 2, -1);
            s[6] = meanRecall(0, 0);
            s[7] = meanRecall(0, 1);
            s[8] = meanRecall(0, 2);
            s[9] = meanRecall(1, 2);
            s[10] = meanRecall(2, 2);
            s[11] = meanRecall(3, 2);
            List<CocoStats.ClassResult> perClass = new ArrayList<>(numClasses);
            long gtCount = 0;
            for (int k = 0; k < numClasses; k++) {
                Category c = dataset.categories().get(k);
                perClass.add(new CocoStats.ClassResult(k, c.cocoId(), c.name(), meanPrecision(-1, 0, 2, k),
                        meanPrecision(0, 0, 2, k), gtCountPerClass[k]));
                gtCount += gtCountPerClass[k];
            }
            return new CocoStats(s, perClass, gtFound, gtCount);
        }

        /** Mean of the defined precision entries; {@code t} or {@code k} of -1 means all of them. */
        private double meanPrecision(int t, int a, int m, int k) {
            double sum = 0;
            long n = 0;
            for (int ti = t < 0 ? 0 : t; ti < (t < 0 ? T : t + 1); ti++) {
                for (int r = 0; r < R; r++) {
                    for (int ki = k < 0 ? 0 : k; ki < (k < 0 ? numClasses : k + 1); ki++) {
                        double v = precision[precisionIndex(ti, r, ki, a, m)];
                        if (v > -1) {
                            sum += v;
                            n++;
                        }
                    }
                }
            }
            return n == 0 ? -1 : sum / n;
        }

        /** Mean of the defined recall entries over all IoU thresholds and classes. */
        private double meanRecall(int a, int m) {
            double sum = 0;
            long n = 0;
            for (int t = 0; t < T; t++) {
                for (int k = 0; k < numClasses; k++) {
                    double v = recall[recallIndex(t, k, a, m)];
                    if (v > -1) {
                        sum += v;
                        n++;
                    }
                }
            }
            return n == 0 ? -1 : sum / n;
        }
    }

    /** Scratch arrays reused across images and classes, grown on demand, so the hot loops allocate nothing. */
    private static final class Workspace {
        private byte[] flags = new byte[0];
        private int[] ints1 = new int[0];
        private int[] ints2 = new int[0];
        private double[] iou = new double[0];
        private double[] rc = new double[0];
        private double[] pr = new double[0];
        private int[] gtOrder = new int[0];
        private boolean[] gtIgnore = new boolean[0];
        private boolean[] gtTaken = new boolean[0];

        byte[] flags(int n) {
            return flags.length >= n ? flags : (flags = new byte[n]);
        }

        int[] ints1(int n) {
            return ints1.length >= n ? ints1 : (ints1 = new int[n]);
        }

        int[] ints2(int n) {
            return ints2.length >= n ? ints2 : (ints2 = new int[n]);
        }

        double[] iou(int n) {
            return iou.length >= n ? iou : (iou = new double[n]);
        }

        double[] rc(int n) {
            return rc.length >= n ? rc : (rc = new double[n]);
        }

        double[] pr(int n) {
            return pr.length >= n ? pr : (pr = new double[n]);
        }

        int[] gtOrder(int n) {
            return gtOrder.length >= n ? gtOrder : (gtOrder = new int[n]);
        }

        boolean[] gtIgnore(int n) {
            return gtIgnore.length >= n ? gtIgnore : (gtIgnore = new boolean[n]);
        }

        boolean[] gtTaken(int n) {
            return gtTaken.length >= n ? gtTaken : (gtTaken = new boolean[n]);
        }
    }
}
