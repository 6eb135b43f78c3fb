package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.deadletter.DeadLetterReason;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.it.support.CollectedRun;
import dev.forestwatch.it.support.MiniClusters;
import dev.forestwatch.job.EventSource;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.RecordResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzing with hostile input: 12,000 malformed or adversarial events (broken and truncated JSON,
 * random bytes, invalid UTF-8, deep nesting, huge strings, huge and tiny numbers, NaN and infinity,
 * wrong types, missing fields, timestamps far in the past or future, unusual Unicode in keys and
 * values, oversized events) mixed into 8,640 valid ones. The job must finish, every hostile event
 * must be a dead letter with its original bytes and a reason, and every result must equal that of a
 * run over the valid events alone.
 */
class HostileInputITCase {
    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    static final Instant START = Instant.parse("2026-02-02T00:00:00Z");
    static final String[] HOSTS = {"web-01", "web-02", "web-03"};
    static final int MINUTES = 2 * 24 * 60;
    static final int HOSTILE = 12_000;

    static final String SPEC =
            """
            job_id: hostile
            source:
              type: datagen
            event:
              timestamp_field: timestamp
              max_out_of_orderness: 1m
            analysis:
              bucket_span: 10m
              detectors:
                - function: mean
                  field_name: latency
                  by_field_name: host
                - function: count
                  by_field_name: host
              influencers: [host]
            model:
              trees: 30
              sample_size: 64
              shingle_size: 4
              seed: 11
            """;

    static List<byte[]> valid;
    static List<byte[]> hostile;
    static CollectedRun clean;
    static CollectedRun mixed;

    @BeforeAll
    static void runCleanAndMixed() throws Exception {
        JobSpec spec = JobSpecLoader.parse(SPEC, "hostile", Path.of("."));
        valid = validEvents();
        hostile = hostileEvents(new Random(2026), HOSTILE);
        List<byte[]> all = new ArrayList<>();
        // one hostile event after every valid one until all are placed (never before the first)
        int perValid = (int) Math.ceil((double) HOSTILE / valid.size());
        int h = 0;
        for (byte[] v : valid) {
            all.add(v);
            for (int k = 0; k < perValid && h < hostile.size(); k++) {
                all.add(hostile.get(h++));
            }
        }
        clean = CollectedRun.run(spec, source(valid), 2);
        mixed = CollectedRun.run(spec, source(all), 2);
    }

    static EventSource source(List<byte[]> payloads) {
        return env -> {
            List<RawEvent> events = new ArrayList<>();
            for (int i = 0; i < payloads.size(); i++) {
                events.add(new RawEvent(payloads.get(i), null, "fuzz:" + (i + 1)));
            }
            return env.fromData(events, TypeInformation.of(RawEvent.class))
                    .uid("fuzz-source")
                    .name("Fuzz events")
                    .setParallelism(1);
        };
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String event(Instant t, String host, String latency) {
        return "{\"timestamp\":\""
                + t
                + "\",\"host\":\""
                + host
                + "\",\"latency\":"
                + latency
                + "}";
    }

    static List<byte[]> validEvents() {
        Random random = new Random(7);
        List<byte[]> events = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            Instant t = START.plus(Duration.ofMinutes(m));
            double daily = Math.sin(2 * Math.PI * m / 1440.0);
            for (int i = 0; i < HOSTS.length; i++) {
                double latency = 100 + 40 * daily + 10 * i + 5 * random.nextGaussian();
                if (i == 1 && m >= 1800 && m < 1810) {
                    latency *= 4; // one real anomaly, so the results are not all alike
                }
                events.add(utf8(event(t, HOSTS[i], String.format(Locale.ROOT, "%.3f", latency))));
            }
        }
        return events;
    }

    /** Hostile events of many kinds; each one must be rejected, whatever else it carries. */
    static List<byte[]> hostileEvents(Random random, int n) {
        List<Function<Random, byte[]>> kinds = new ArrayList<>();
        Instant t = START.plus(Duration.ofHours(30));
        String ts = "\"timestamp\":\"" + t + "\"";
        // unparsable: random bytes (never a JSON object), truncated events, invalid UTF-8
        kinds.add(
                r -> {
                    byte[] b = new byte[1 + r.nextInt(300)];
                    r.nextBytes(b);
                    b[0] = (byte) ('#' + r.nextInt(3)); // no byte sequence starting so is JSON
                    return b;
                });
        kinds.add(
                r -> {
                    String e = event(t, HOSTS[r.nextInt(3)], "12.5");
                    return utf8(e.substring(0, 1 + r.nextInt(e.length() - 2)));
                });
        kinds.add(
                r -> {
                    byte[] prefix = utf8("{" + ts + ",\"host\":\"web-0");
                    byte[] bad = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28};
                    byte[] suffix = utf8("\",\"latency\":1}");
                    byte[] b = new byte[prefix.length + bad.length + suffix.length];
                    System.arraycopy(prefix, 0, b, 0, prefix.length);
                    System.arraycopy(bad, 0, b, prefix.length, bad.length);
                    System.arraycopy(suffix, 0, b, prefix.length + bad.length, suffix.length);
                    return b;
                });
        kinds.add(r -> utf8("{" + ts + ",\"host\":\"web-01\",\"latency\":NaN}"));
        kinds.add(r -> utf8("{" + ts + ",\"host\":\"web-01\",\"latency\":1}{\"again\":1}"));
        // deep nesting beside complete, valid fields
        kinds.add(
                r -> {
                    int depth = 1_500 + r.nextInt(3_000);
                    return utf8(
                            "{"
                                    + ts
                                    + ",\"host\":\"web-01\",\"latency\":1,\"x\":"
                                    + "[".repeat(depth)
                                    + "]".repeat(depth)
                                    + "}");
                });
        kinds.add(
                r -> {
                    int depth = 1_500 + r.nextInt(2_000);
                    return utf8(
                            "{"
                                    + ts
                                    + ",\"host\":\"web-01\",\"latency\":"
                                    + "{\"a\":".repeat(depth)
                                    + "1"
                                    + "}".repeat(depth)
                                    + "}");
                });
        // huge strings: too big for the limit, or a huge non-number where a number belongs
        kinds.add(r -> utf8(event(t, "web-01", "\"" + "x".repeat(70_000) + "\"")));
        kinds.add(
                r -> utf8(event(t, "web-01", "\"" + "z".repeat(5_000 + r.nextInt(20_000)) + "\"")));
        kinds.add(r -> utf8(event(t, "web-01", "\"" + "9".repeat(400 + r.nextInt(600)) + "\"")));
        // numbers: out of double range, not finite, or tiny but where a timestamp belongs
        kinds.add(r -> utf8(event(t, "web-02", "1e" + (309 + r.nextInt(5000)))));
        kinds.add(r -> utf8(event(t, "web-02", "-1e" + (309 + r.nextInt(5000)))));
        kinds.add(r -> utf8(event(t, "web-02", "\"NaN\"")));
        kinds.add(r -> utf8(event(t, "web-02", "\"Infinity\"")));
        kinds.add(r -> utf8(event(t, "web-02", "\"-Infinity\"")));
        kinds.add(r -> utf8("{\"timestamp\":1e-400,\"host\":\"web-02\",\"latency\":1}"));
        kinds.add(r -> utf8("{\"timestamp\":-1e308,\"host\":\"web-02\",\"latency\":1}"));
        // wrong types
        kinds.add(r -> utf8(event(t, "web-03", "{}")));
        kinds.add(r -> utf8(event(t, "web-03", "[1,2]")));
        kinds.add(r -> utf8(event(t, "web-03", "true")));
        kinds.add(r -> utf8(event(t, "web-03", "\"fast\"")));
        kinds.add(r -> utf8("{" + ts + ",\"host\":[\"web-03\"],\"latency\":1}"));
        kinds.add(r -> utf8("{" + ts + ",\"host\":{\"name\":\"web-03\"},\"latency\":1}"));
        kinds.add(
                r ->
                        utf8(
                                "{\"timestamp\":{\"at\":\""
                                        + t
                                        + "\"},\"host\":\"web-03\",\"latency\":1}"));
        kinds.add(r -> utf8("{\"timestamp\":[\"" + t + "\"],\"host\":\"web-03\",\"latency\":1}"));
        kinds.add(r -> utf8("[" + event(t, "web-03", "1") + "]"));
        kinds.add(r -> utf8("\"" + t + "\""));
        kinds.add(r -> utf8("null"));
        // missing fields
        kinds.add(r -> utf8("{\"host\":\"web-01\",\"latency\":1}"));
        kinds.add(r -> utf8("{" + ts + ",\"latency\":1}"));
        kinds.add(r -> utf8("{" + ts + ",\"host\":\"web-01\"}"));
        kinds.add(r -> utf8("{" + ts + ",\"host\":\"web-01\",\"latency\":null}"));
        kinds.add(r -> utf8("{\"timestamp\":\"\",\"host\":\"web-01\",\"latency\":1}"));
        kinds.add(r -> utf8("{}"));
        // timestamps: far past (late), far future, nonsense
        kinds.add(r -> utf8(event(Instant.parse("1999-12-31T23:59:59Z"), "web-01", "1")));
        kinds.add(r -> utf8(event(Instant.EPOCH, "web-02", "1")));
        kinds.add(
                r -> utf8(event(START.minus(Duration.ofDays(1 + r.nextInt(3000))), "web-03", "1")));
        kinds.add(r -> utf8(event(Instant.parse("9999-12-31T23:59:59Z"), "web-01", "1")));
        kinds.add(
                r ->
                        utf8(
                                event(
                                        Instant.now().plus(Duration.ofDays(3 + r.nextInt(1000))),
                                        "web-02",
                                        "1")));
        kinds.add(
                r ->
                        utf8(
                                "{\"timestamp\":\"2026-13-45T25:61:61Z\",\"host\":\"web-01\",\"latency\":1}"));
        kinds.add(
                r ->
                        utf8(
                                "{\"timestamp\":\"+292278994-08-17T07:12:55.807Z\",\"host\":\"web-01\",\"latency\":1}"));
        kinds.add(r -> utf8("{\"timestamp\":\"yesterday\",\"host\":\"web-01\",\"latency\":1}"));
        // unusual Unicode: look-alike keys (so the real field is missing), non-ASCII digits
        kinds.add(r -> utf8("{" + ts + ",\"host\":\"web-01\",\"lat\u200Bency\":1}"));
        kinds.add(r -> utf8("{" + ts + ",\"h\u043Est\":\"web-01\",\"latency\":1}"));
        kinds.add(
                r -> utf8("{" + ts + ",\"host\":\"\u202Eweb-01\uD83D\uDE00\",\"l\u0430tency\":1}"));
        kinds.add(r -> utf8(event(t, "web-01", "\"\u0663\u0664.\u0665\"")));
        kinds.add(r -> utf8(event(t, "web-01", "\"\uFF11\uFF12\"")));
        kinds.add(r -> utf8(event(t, "\u0000web\uFFFF", "\"1\u00A0\u2009\"")));
        kinds.add(
                r -> utf8("{\"timest\u00E4mp\":\"" + t + "\",\"host\":\"web-01\",\"latency\":1}"));
        kinds.add(
                r ->
                        utf8(
                                "{\"timestamp\":\"\u0662\u0660\u0662\u0666-02-03T06:00:00Z\",\"host\":\"web-01\",\"latency\":1}"));
        // too big, whatever it holds
        kinds.add(
                r ->
                        utf8(
                                "{"
                                        + ts
                                        + ",\"host\":\"web-01\",\"latency\":1,\"pad\":\""
                                        + Base64.getEncoder().encodeToString(new byte[60_000])
                                        + "\"}"));

        List<byte[]> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // every kind at least once, then at random
            Function<Random, byte[]> kind =
                    i < kinds.size() ? kinds.get(i) : kinds.get(random.nextInt(kinds.size()));
            events.add(kind.apply(random));
        }
        return events;
    }

    @Test
    void theJobFinishesAndEveryHostileEventIsADeadLetterWithItsBytesAndAReason() {
        assertThat(clean.deadLetters).isEmpty();
        assertThat(mixed.deadLetters).hasSize(hostile.size());
        Map<String, Long> expected =
                hostile.stream()
                        .collect(
                                Collectors.groupingBy(
                                        b -> Base64.getEncoder().encodeToString(b),
                                        Collectors.counting()));
        Map<String, Long> actual =
                mixed.deadLetters.stream()
                        .collect(
                                Collectors.groupingBy(
                                        d -> Base64.getEncoder().encodeToString(d.payload()),
                                        Collectors.counting()));
        assertThat(actual).as("dead letters carry the original bytes").isEqualTo(expected);
        List<String> codes =
                Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code).toList();
        assertThat(mixed.deadLetters)
                .allSatisfy(
                        d -> {
                            assertThat(codes).contains(d.reason());
                            assertThat(d.detail()).isNotBlank();
                            assertThat(d.origin()).startsWith("fuzz:");
                        });
        Map<String, Long> byReason =
                mixed.deadLetters.stream()
                        .collect(
                                Collectors.groupingBy(
                                        DeadLetter::reason, TreeMap::new, Collectors.counting()));
        // the kinds above reach these reasons; each must really occur
        assertThat(byReason)
                .containsKeys(
                        "unparsable",
                        "oversized",
                        "missing_timestamp",
                        "bad_timestamp",
                        "missing_field",
                        "non_numeric",
                        "wrong_type",
                        "not_finite",
                        "late");
        System.out.println("Hostile events by dead-letter reason: " + byReason);
    }

    @Test
    void resultsEqualThoseOfARunWithoutTheHostileEvents() {
        assertThat(clean.records).isNotEmpty();
        assertThat(byId(mixed.records, RecordResult::resultId, HostileInputITCase::describe))
                .isEqualTo(
                        byId(clean.records, RecordResult::resultId, HostileInputITCase::describe));
        assertThat(byId(mixed.buckets, BucketResult::resultId, HostileInputITCase::describe))
                .isEqualTo(
                        byId(clean.buckets, BucketResult::resultId, HostileInputITCase::describe));
        assertThat(mixed.alerts.size()).isEqualTo(clean.alerts.size());
        assertThat(withoutTimings(mixed.renormalized))
                .containsExactlyInAnyOrderElementsOf(withoutTimings(clean.renormalized));
        // the injected latency anomaly is found in both
        RecordResult top =
                clean.records.stream()
                        .filter(r -> !r.isInterim() && r.detectorIndex() == 0)
                        .max((a, b) -> Double.compare(a.recordScore(), b.recordScore()))
                        .orElseThrow();
        assertThat(top.byFieldValue()).isEqualTo("web-02");
    }

    /** Renormalized results as JSON, without the one field that measures time spent. */
    static List<String> withoutTimings(List<String> lines) {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            try {
                ObjectNode node = (ObjectNode) json.readTree(line);
                node.remove("processing_time_ms");
                out.add(node.toString());
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }
        return out;
    }

    static <T> Map<String, String> byId(
            List<T> results, Function<T, String> id, Function<T, String> describe) {
        Map<String, String> out = new HashMap<>();
        for (T r : results) {
            assertThat(out.put(id.apply(r) + "#" + describe.apply(r), describe.apply(r)))
                    .as("result %s once", id.apply(r))
                    .isNull();
        }
        return out;
    }

    static String describe(RecordResult r) {
        return String.format(
                Locale.ROOT,
                "%s %d %s %.9f %.9f %.9f %s",
                r.resultId(),
                r.timestamp(),
                Arrays.toString(r.actual()),
                r.rawScore(),
                r.probability(),
                r.recordScore(),
                r.isInterim());
    }

    static String describe(BucketResult b) {
        return String.format(
                Locale.ROOT,
                "%s %d %d %d %.9f %.9f %s",
                b.resultId(),
                b.timestamp(),
                b.eventCount(),
                b.recordCount(),
                b.probability(),
                b.anomalyScore(),
                b.isInterim());
    }
}
