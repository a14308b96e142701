package io.hdkd.api;

import java.util.Objects;

/**
 * One problem a component found with its options before any work (SPI 2, {@link ComponentFactory#check}): the full
 * configuration key to change and one line saying what is wrong and what is expected. Build it with
 * {@link Options#problem}, which fills in the key's prefix and the value given.
 *
 * @param key the full key, e.g. {@code distill.loss.hdkd.subspaces}
 * @param message one line naming the key, e.g. "bad value for distill.loss.hdkd.subspaces: must be >= 1 (got '0')"
 */
public record OptionProblem(String key, String message) {

    public OptionProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        if (!message.contains(key)) {
            throw new IllegalArgumentException("a problem's message must name its key " + key + ": " + message);
        }
    }

    /** The problem as the exception the host reports (exit 2). */
    public InvalidInputException toException() {
        return new InvalidInputException(message);
    }
}
