package dev.forestwatch.job.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.job.config.TimestampFormat;
import dev.forestwatch.job.config.TimestampFormat.Kind;
import org.junit.jupiter.api.Test;

class TimestampParserTest {
    private static long parse(Kind kind, String pattern, String zone, String text) {
        return new TimestampParser(new TimestampFormat(kind, pattern, zone)).parse(text);
    }

    @Test
    void iso8601WithAndWithoutOffset() {
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-07-01T00:30:00Z"))
                .isEqualTo(1404174600000L);
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-07-01T02:30:00+02:00"))
                .isEqualTo(1404174600000L);
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-07-01T00:30:00.250"))
                .isEqualTo(1404174600250L);
        assertThat(parse(Kind.ISO8601, null, "Europe/Paris", "2014-07-01T02:30:00"))
                .isEqualTo(1404174600000L);
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-07-01")).isEqualTo(1404172800000L);
    }

    @Test
    void iso8601BasicOffsetsAndASpaceSeparatorAreAccepted() {
        // ISO-8601 basic offsets, as in logs and Elastic's demo data
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-07-01T00:30:00+0000"))
                .isEqualTo(1404174600000L);
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-07-01T02:30:00+0200"))
                .isEqualTo(1404174600000L);
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-06-30T21:30:00-03"))
                .isEqualTo(1404174600000L);
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-07-01T00:30:00.250+0000"))
                .isEqualTo(1404174600250L);
        assertThat(parse(Kind.ISO8601, null, "UTC", "2014-07-01 00:30:00+0000"))
                .isEqualTo(1404174600000L);
        // a space without an offset takes the spec's zone, like any local time
        assertThat(parse(Kind.ISO8601, null, "Europe/Paris", "2014-07-01 02:30:00"))
                .isEqualTo(1404174600000L);
        assertThatThrownBy(() -> parse(Kind.ISO8601, null, "UTC", "2014-07-01T00:30:00+000"))
                .hasMessageContaining("is not ISO-8601");
        assertThatThrownBy(() -> parse(Kind.ISO8601, null, "UTC", "07/01/2014 00:30"))
                .hasMessageContaining("is not ISO-8601");
    }

    @Test
    void epochSecondsAndMillis() {
        assertThat(parse(Kind.EPOCH_SECONDS, null, "UTC", "1404174600")).isEqualTo(1404174600000L);
        assertThat(parse(Kind.EPOCH_SECONDS, null, "UTC", "1404174600.5"))
                .isEqualTo(1404174600500L);
        assertThat(parse(Kind.EPOCH_MILLIS, null, "UTC", "1404174600000"))
                .isEqualTo(1404174600000L);
        assertThatThrownBy(() -> parse(Kind.EPOCH_MILLIS, null, "UTC", "12abc"))
                .hasMessageContaining("not a number of epoch milliseconds");
    }

    @Test
    void patterns() {
        assertThat(parse(Kind.PATTERN, "yyyy-MM-dd HH:mm:ss", "UTC", "2014-07-01 00:30:00"))
                .isEqualTo(1404174600000L);
        assertThat(parse(Kind.PATTERN, "dd/MM/yyyy", "UTC", "01/07/2014"))
                .isEqualTo(1404172800000L);
        assertThatThrownBy(() -> parse(Kind.PATTERN, "yyyy-MM-dd HH:mm:ss", "UTC", "2014-07-01"))
                .hasMessageContaining("does not match pattern 'yyyy-MM-dd HH:mm:ss'");
    }

    @Test
    void outOfRangeTimesAreRejected() {
        assertThatThrownBy(() -> parse(Kind.EPOCH_SECONDS, null, "UTC", "-5"))
                .hasMessageContaining("outside the accepted range");
        assertThatThrownBy(() -> parse(Kind.EPOCH_MILLIS, null, "UTC", "99999999999999999"))
                .hasMessageContaining("outside the accepted range");
    }
}
