package io.hdkd.core.train;

import ai.djl.ndarray.NDManager;

/**
 * Notices when the model's manager keeps growing from step to step. Everything a training step computes should live
 * in the batch's manager and go with it; an array that lands in the model's manager instead (DJL attaches a result to
 * its first input's manager, so any operation that starts from a parameter does this) stays until the run ends,
 * together with the autograd graph it records. One such array per step made tiny runs reach gigabytes. The watch
 * counts the manager's arrays after each step, once the first steps have created what legitimately lives all run
 * (optimizer state, calibrations, caches), and reports the first growth.
 */
final class ManagerGrowthWatch {

    /** Steps after which the manager's content counts as settled. */
    static final int SETTLE_STEPS = 2;

    private final NDManager manager;
    private int settled = -1;
    private long seen;
    private boolean reported;

    ManagerGrowthWatch(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Call after each step, once the batch is closed. Returns a one-line warning the first time the manager holds more
     * arrays than after the settling steps, otherwise null.
     *
     * @param dataManager the sub-manager the data's batches are made in: what it holds (batches the data made ahead)
     *     is not counted
     */
    String afterStep(long step, NDManager dataManager) {
        if (reported) {
            return null;
        }
        int now = manager.getManagedArrays().size() - dataManager.getManagedArrays().size();
        seen++;
        if (seen <= SETTLE_STEPS) {
            settled = now;
            return null;
        }
        if (now <= settled) {
            return null;
        }
        reported = true;
        return "the model's NDManager grew from " + settled + " to " + now + " arrays by step " + step + ": something"
                + " in the training step (a loss, head or adapter) leaves results in a long-lived manager, so memory"
                + " will grow with every step; an operation whose first input is a parameter puts its result there"
                + " (attach such results to the batch's manager)";
    }
}
