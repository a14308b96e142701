package io.hdkd.core.train;

/** The loss became NaN or infinite; the run stops and its last good checkpoint is kept. */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
