package io.hdkd.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Gson's messages made one line (found by the COCO reader's fuzz target: a key holding a carriage return). */
class JsonErrorsTest {

    @Test
    void aKeyWithALineBreakInGsonsPathStaysOnOneLineAndTheHelpLineIsDropped() throws Exception {
        Exception gson = null;
        try (JsonReader json = new JsonReader(new StringReader("{\"ima\rge\" [1]}"))) {
            json.beginObject();
            json.nextName();
            json.nextInt();
        } catch (Exception e) {
            gson = e;
        }
        assertThat(gson).isNotNull();
        assertThat(gson.getMessage()).contains("\r").contains("\nSee https://");
        String line = JsonErrors.oneLine(gson);
        assertThat(line).doesNotContain("\n").doesNotContain("\r").doesNotContain("See https://")
                .contains("path $.ima\\u000dge");
    }

    @Test
    void aMessageWithoutAnythingToEscapeIsKept() {
        assertThat(JsonErrors.oneLine(new java.io.IOException("disk full"))).isEqualTo("disk full");
        assertThat(JsonErrors.oneLine(new java.io.IOException(" "))).isEqualTo("IOException");
    }

    @Test
    void printableEscapesEveryControlCharacterAndNothingElse() {
        assertThat(Messages.printable("a\nb\tc\u0000d\u00e9\u0085")).isEqualTo("a\\u000ab\\u0009c\\u0000d\u00e9\\u0085");
        String plain = "images/a b.png";
        assertThat(Messages.printable(plain)).isSameAs(plain);
    }
}
