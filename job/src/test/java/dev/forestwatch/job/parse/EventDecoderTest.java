package dev.forestwatch.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.model.ParsedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EventDecoderTest {
    static final String SPEC =
            """
            job_id: parse-test
            source:
              type: datagen
              datagen:
                entities: 4
            event:
              timestamp_field: ts
            analysis:
              bucket_span: 5m
              detectors:
                - function: mean
                  field_name: latency
                  by_field_name: host
                - function: distinct_count
                  field_name: user
            limits:
              max_event_bytes: 200
            """;

    private static final JobSpec JOB = JobSpecLoader.parse(SPEC, "t", Path.of("."));
    private final EventDecoder decoder = new EventDecoder(JOB);

    private DecodeResult json(String text) {
        return decoder.decode(RawEvent.json(text, "test:1"));
    }

    private String reasonOf(String text) {
        DecodeResult r = json(text);
        assertThat(r.isOk()).as("rejected: " + text).isFalse();
        assertThat(r.deadLetter().payload()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(r.deadLetter().origin()).isEqualTo("test:1");
        return r.deadLetter().reason();
    }

    @Test
    void validJsonEventIsLaidOutByField() {
        DecodeResult r =
                json(
                        "{\"ts\":\"2026-01-05T10:00:00Z\",\"latency\":12.5,\"host\":\"a\",\"user\":\"u1\"}");
        assertThat(r.isOk()).isTrue();
        ParsedEvent e = r.event();
        assertThat(e.timestamp()).isEqualTo(1767607200000L);
        assertThat(e.numbers()).containsExactly(12.5);
        assertThat(decoder.layout().textFields()).containsExactly("host", "user");
        assertThat(e.texts()).containsExactly("a", "u1");
    }

    @Test
    void numbersAsStringsAndNestedFieldsAreAccepted() {
        JobSpec nested =
                JobSpecLoader.parse(
                        SPEC.replace("field_name: latency", "field_name: m.latency"),
                        "t",
                        Path.of("."));
        DecodeResult r =
                new EventDecoder(nested)
                        .decode(
                                RawEvent.json(
                                        "{\"ts\":\"2026-01-05T10:00:00Z\",\"m\":{\"latency\":\" 7\"},"
                                                + "\"host\":\"a\",\"user\":3}",
                                        "x"));
        assertThat(r.isOk()).isTrue();
        assertThat(r.event().numbers()).containsExactly(7.0);
        assertThat(r.event().texts()).containsExactly("a", "3");
    }

    @Test
    void everyKindOfBadInputHasItsReason() {
        String ok = "\"host\":\"a\",\"user\":\"u\"";
        assertThat(reasonOf("not json at all")).isEqualTo("unparsable");
        assertThat(reasonOf("{\"ts\":1")).isEqualTo("unparsable");
        assertThat(reasonOf("[1,2,3]")).isEqualTo("unparsable");
        assertThat(reasonOf("{\"a\":1} trailing")).isEqualTo("unparsable");
        assertThat(reasonOf("{\"latency\":1," + ok + "}")).isEqualTo("missing_timestamp");
        assertThat(reasonOf("{\"ts\":\"\",\"latency\":1," + ok + "}"))
                .isEqualTo("missing_timestamp");
        assertThat(reasonOf("{\"ts\":\"yesterday\",\"latency\":1," + ok + "}"))
                .isEqualTo("bad_timestamp");
        assertThat(reasonOf("{\"ts\":\"3026-01-05T10:00:00Z\",\"latency\":1," + ok + "}"))
                .isEqualTo("bad_timestamp");
        assertThat(reasonOf("{\"ts\":{\"x\":1},\"latency\":1," + ok + "}"))
                .isEqualTo("bad_timestamp");
        String ts = "\"ts\":\"2026-01-05T10:00:00Z\",";
        assertThat(reasonOf("{" + ts + ok + "}")).isEqualTo("missing_field");
        assertThat(reasonOf("{" + ts + "\"latency\":null," + ok + "}")).isEqualTo("missing_field");
        assertThat(reasonOf("{" + ts + "\"latency\":\"fast\"," + ok + "}"))
                .isEqualTo("non_numeric");
        assertThat(reasonOf("{" + ts + "\"latency\":true," + ok + "}")).isEqualTo("non_numeric");
        assertThat(reasonOf("{" + ts + "\"latency\":[1]," + ok + "}")).isEqualTo("wrong_type");
        assertThat(reasonOf("{" + ts + "\"latency\":\"NaN\"," + ok + "}")).isEqualTo("not_finite");
        assertThat(reasonOf("{" + ts + "\"latency\":\"-Infinity\"," + ok + "}"))
                .isEqualTo("not_finite");
        assertThat(reasonOf("{" + ts + "\"latency\":1e400," + ok + "}")).isEqualTo("not_finite");
        assertThat(reasonOf("{" + ts + "\"latency\":1,\"user\":\"u\"}")).isEqualTo("missing_field");
        assertThat(reasonOf("{" + ts + "\"latency\":1,\"host\":{},\"user\":\"u\"}"))
                .isEqualTo("wrong_type");
        assertThat(
                        reasonOf(
                                "{"
                                        + ts
                                        + "\"latency\":1,"
                                        + ok
                                        + ",\"pad\":\""
                                        + "x".repeat(200)
                                        + "\"}"))
                .isEqualTo("oversized");
    }

    @Test
    void deadLettersExplainTheProblem() {
        DecodeResult r =
                json(
                        "{\"ts\":\"2026-01-05T10:00:00Z\",\"latency\":\"fast\",\"host\":\"a\",\"user\":\"u\"}");
        assertThat(r.deadLetter().detail()).isEqualTo("field 'latency' = 'fast' is not a number");
        assertThat(r.deadLetter().eventTimestamp()).isEqualTo(1767607200000L);
    }

    @Test
    void invalidUtf8NeverCrashes() {
        byte[] bytes = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        DecodeResult r = decoder.decode(new RawEvent(bytes, null, "bin"));
        assertThat(r.isOk()).isFalse();
        assertThat(r.deadLetter().payload()).isEqualTo(bytes);
    }

    @Test
    void csvLinesUseTheirHeader() {
        String[] header = {"ts", "host", "latency", "user"};
        DecodeResult ok =
                decoder.decode(
                        RawEvent.csv("2026-01-05T10:00:00Z,\"a,b\",3.5,u", header, "f.csv:2"));
        assertThat(ok.isOk()).isTrue();
        assertThat(ok.event().numbers()).containsExactly(3.5);
        assertThat(ok.event().texts()).containsExactly("a,b", "u");

        DecodeResult shortLine =
                decoder.decode(RawEvent.csv("2026-01-05T10:00:00Z,a", header, "f.csv:3"));
        assertThat(shortLine.deadLetter().reason()).isEqualTo("unparsable");
        assertThat(shortLine.deadLetter().detail()).contains("2 columns, the header has 4");

        DecodeResult empty =
                decoder.decode(RawEvent.csv("2026-01-05T10:00:00Z,a,,u", header, "f.csv:4"));
        assertThat(empty.deadLetter().reason()).isEqualTo("missing_field");
        assertThat(empty.deadLetter().origin()).isEqualTo("f.csv:4");
    }

    @Test
    void timestampsTooFarAheadOfTheWallClockAreRejected() {
        String ok = "\"latency\":1,\"host\":\"a\",\"user\":\"u\"}";
        java.time.Instant now = java.time.Instant.now();
        String soon =
                now.plus(java.time.Duration.ofHours(20))
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
        String later =
                now.plus(java.time.Duration.ofDays(2))
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
        // the default event.max_future is a day
        assertThat(json("{\"ts\":\"" + soon + "\"," + ok).isOk()).isTrue();
        DecodeResult r = json("{\"ts\":\"" + later + "\"," + ok);
        assertThat(r.deadLetter().reason()).isEqualTo("bad_timestamp");
        assertThat(r.deadLetter().detail()).contains("event.max_future (PT24H)", "wall clock");
    }
}
