package dev.forestwatch.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CsvLinesTest {

    @Test
    void splitsPlainFields() {
        assertThat(CsvLines.split("a,b,c")).containsExactly("a", "b", "c");
    }

    @Test
    void keepsCommasAndDoubledQuotesInsideQuotedFields() {
        assertThat(CsvLines.split("2024-01-01T00:00:00Z,\"web-01, eu\",\"say \"\"hi\"\"\",3.5"))
                .containsExactly("2024-01-01T00:00:00Z", "web-01, eu", "say \"hi\"", "3.5");
    }

    @Test
    void keepsEmptyFieldsIncludingTrailingOnes() {
        assertThat(CsvLines.split("a,,")).containsExactly("a", "", "");
        assertThat(CsvLines.split(",")).containsExactly("", "");
        assertThat(CsvLines.split("a,\"\"")).containsExactly("a", "");
    }

    @Test
    void emptyLineIsOneEmptyField() {
        assertThat(CsvLines.split("")).containsExactly("");
    }

    @Test
    void doesNotTrimUnquotedValues() {
        assertThat(CsvLines.split(" a , b")).containsExactly(" a ", " b");
    }

    @Test
    void handlesNonAsciiText() {
        assertThat(CsvLines.split("zürich,東京")).containsExactly("zürich", "東京");
    }

    @Test
    void rejectsUnterminatedQuote() {
        assertThatThrownBy(() -> CsvLines.split("a,\"b,c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Malformed CSV line")
                .hasMessageContaining("closing quote");
    }

    @Test
    void rejectsTextAfterClosingQuote() {
        assertThatThrownBy(() -> CsvLines.split("a,\"b\"c,d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Malformed CSV line")
                .hasMessageContaining("column");
    }

    @Test
    void rejectsLineBreaks() {
        assertThatThrownBy(() -> CsvLines.split("a,b\nc,d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line break");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> CsvLines.split(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
