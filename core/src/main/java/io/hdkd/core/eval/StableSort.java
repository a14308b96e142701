package io.hdkd.core.eval;

/**
 * A stable merge sort of index arrays by a primitive key, the Java counterpart of numpy's
 * {@code argsort(-key, kind="mergesort")}: ties keep their order, which decides COCO results when scores tie.
 */
final class StableSort {

    private static final int INSERTION_LIMIT = 16;

    private StableSort() {}

    /**
     * Sorts {@code idx[from, to)} by descending {@code key[idx[i]]}, stably. {@code tmp} must hold at least
     * {@code to} elements. Keys must not be NaN.
     */
    static void byDescendingKey(int[] idx, int from, int to, double[] key, int[] tmp) {
        if (to - from <= INSERTION_LIMIT) {
            insertion(idx, from, to, key);
            return;
        }
        int mid = (from + to) >>> 1;
        byDescendingKey(idx, from, mid, key, tmp);
        byDescendingKey(idx, mid, to, key, tmp);
        if (!(key[idx[mid]] > key[idx[mid - 1]])) {
            return; // already in order
        }
        System.arraycopy(idx, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        int o = from;
        while (i < mid && j < to) {
            // Take from the right only when strictly greater: equal keys keep their left-first order.
            if (key[tmp[j]] > key[tmp[i]]) {
                idx[o++] = tmp[j++];
            } else {
                idx[o++] = tmp[i++];
            }
        }
        while (i < mid) {
            idx[o++] = tmp[i++];
        }
        while (j < to) {
            idx[o++] = tmp[j++];
        }
    }

    private static void insertion(int[] idx, int from, int to, double[] key) {
        for (int i = from + 1; i < to; i++) {
            int v = idx[i];
            double kv = key[v];
            int j = i - 1;
            while (j >= from && kv > key[idx[j]]) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = v;
        }
    }
}
