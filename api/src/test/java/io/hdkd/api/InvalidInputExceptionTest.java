package io.hdkd.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The message is one line whatever it quotes (found by fuzzing: a {@code --set} argument with a carriage return, a
 * configured ONNX output with a line break, each echoed into a two-line message).
 */
class InvalidInputExceptionTest {

    @Test
    void controlCharactersInTheMessageAreEscaped() {
        InvalidInputException e = new InvalidInputException("--set expects key=value, got 'a\rb\nc\u0000'");
        assertThat(e.getMessage()).isEqualTo("--set expects key=value, got 'a\\u000db\\u000ac\\u0000'");
        Throwable cause = new IllegalStateException();
        InvalidInputException withCause = new InvalidInputException("bad\tvalue", cause);
        assertThat(withCause.getMessage()).isEqualTo("bad\\u0009value");
        assertThat(withCause.getCause()).isSameAs(cause);
    }

    @Test
    void aMessageWithoutControlCharactersIsKeptAsItIs() {
        String m = "bad value for train.epochs: expected an integer >= 1, got 'abc' (é, ü)";
        assertThat(new InvalidInputException(m).getMessage()).isSameAs(m);
        assertThat(new InvalidInputException(null).getMessage()).isNull();
    }
}
