package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.job.AnomalyDetectionJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV file written by hand and a spec written the way the README explains, run through the real
 * command line ({@code --spec}, {@code --output}) on a local MiniCluster.
 */
class CsvReplayCliITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-03-02T00:00:00Z");

    @TempDir Path tmp;

    @Test
    void csvReplayWritesResultsAndDeadLetters() throws Exception {
        Path csv = tmp.resolve("checkout.csv");
        StringBuilder b = new StringBuilder("timestamp,store,amount\n");
        Random r = new Random(5);
        Instant spikeAt = START.plusSeconds(2 * 86_400 + 15 * 3600);
        for (int minute = 0; minute < 3 * 24 * 60; minute += 2) {
            Instant t = START.plusSeconds(minute * 60L);
            for (String store : new String[] {"berlin", "lyon"}) {
                double daily = 1 + 0.4 * Math.sin(2 * Math.PI * (minute / 60.0 - 6) / 24);
                double amount = 50 * daily + r.nextGaussian() * 3;
                if (store.equals("lyon")
                        && !t.isBefore(spikeAt)
                        && t.isBefore(spikeAt.plusSeconds(900))) {
                    amount *= 6;
                }
                b.append(t)
                        .append(',')
                        .append(store)
                        .append(',')
                        .append(String.format("%.2f", amount))
                        .append('\n');
            }
            if (minute == 1000) {
                // hand-made bad lines, each with its own reason
                b.append(t).append(",berlin,lots\n");
                b.append(t).append(",berlin,NaN\n");
                b.append(",berlin,12\n");
                b.append(t).append(",berlin\n");
                b.append(START).append(",berlin,12\n"); // a day late
            }
        }
        Files.writeString(csv, b.toString());
        Path spec = tmp.resolve("checkout.yaml");
        Files.writeString(
                spec,
                """
                job_id: checkout
                source:
                  type: file
                  file:
                    path: checkout.csv
                event:
                  timestamp_field: timestamp
                  max_out_of_orderness: 1m
                analysis:
                  bucket_span: 15m
                  detectors:
                    - function: high_sum
                      field_name: amount
                      by_field_name: store
                model:
                  shingle_size: 4
                  sample_size: 128
                """);
        Path out = tmp.resolve("out");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int code =
                AnomalyDetectionJob.run(
                        new String[] {"--spec", spec.toString(), "--output", out.toString()},
                        new PrintStream(console, true, StandardCharsets.UTF_8),
                        System.err);
        assertThat(code).isZero();

        List<JsonNode> records = readJsonLines(out.resolve("records.jsonl"));
        List<JsonNode> buckets = readJsonLines(out.resolve("buckets.jsonl"));
        List<JsonNode> dead = readJsonLines(out.resolve("dead-letters.jsonl"));

        assertThat(buckets).hasSize(3 * 24 * 4);
        assertThat(records).hasSize(2 * 3 * 24 * 4);
        for (JsonNode rec : records) {
            assertThat(rec.path("result_type").asText()).isEqualTo("record");
            assertThat(rec.path("job_id").asText()).isEqualTo("checkout");
            assertThat(rec.path("function").asText()).isEqualTo("high_sum");
            assertThat(rec.path("by_field_name").asText()).isEqualTo("store");
            assertThat(rec.path("actual").isArray()).isTrue();
            assertThat(rec.path("raw_score").isNumber()).isTrue();
            assertThat(rec.path("grade").asDouble()).isBetween(0.0, 1.0);
            assertThat(rec.path("bucket_span").asLong()).isEqualTo(900);
        }

        Map<String, String> reasons = new TreeMap<>();
        for (JsonNode d : dead) {
            reasons.put(d.path("reason").asText(), d.path("payload").asText());
            assertThat(d.path("origin").asText()).startsWith("checkout.csv:");
            assertThat(d.path("detail").asText()).isNotBlank();
        }
        assertThat(reasons.keySet())
                .containsExactlyInAnyOrder(
                        "non_numeric", "not_finite", "missing_timestamp", "unparsable", "late");
        assertThat(reasons.get("non_numeric")).endsWith(",berlin,lots");
        assertThat(reasons.get("late")).isEqualTo(START + ",berlin,12");

        JsonNode top =
                records.stream()
                        .max(
                                Comparator.comparingDouble(
                                                (JsonNode n) -> n.path("record_score").asDouble())
                                        .thenComparingDouble(n -> n.path("raw_score").asDouble()))
                        .orElseThrow();
        assertThat(top.path("by_field_value").asText()).isEqualTo("lyon");
        long topTime = top.path("timestamp").asLong();
        assertThat(topTime)
                .isBetween(spikeAt.toEpochMilli() - 900_000, spikeAt.toEpochMilli() + 900_000);
        assertThat(top.path("grade").asDouble()).isGreaterThan(0);
        assertThat(top.path("record_score").asDouble()).isGreaterThanOrEqualTo(75);
        assertThat(top.path("severity").asText()).isEqualTo("critical");

        String summary = console.toString(StandardCharsets.UTF_8);
        assertThat(summary).contains("job 'checkout' finished").contains("for store lyon");
        assertThat(out.resolve("influencers.jsonl")).exists();
        assertThat(out.resolve("renormalized.jsonl")).exists();
    }

    private static List<JsonNode> readJsonLines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void aRunWhoseEventsAreMostlyDeadLettersFailsAndSaysWhy() throws Exception {
        // US-style dates where the spec expects ISO-8601: every line but the header is rejected,
        // except the few a user fixed by hand
        StringBuilder b = new StringBuilder("timestamp,store,amount\n");
        for (int minute = 0; minute < 600; minute++) {
            b.append(
                    String.format(
                            Locale.ROOT,
                            "03/02/2026 %02d:%02d,berlin,12%n",
                            minute / 60,
                            minute % 60));
        }
        for (int minute = 0; minute < 20; minute++) {
            b.append(START.plusSeconds(60L * minute)).append(",berlin,12\n");
        }
        Files.writeString(tmp.resolve("us.csv"), b.toString());
        Path spec = tmp.resolve("us.yaml");
        Files.writeString(
                spec,
                """
                job_id: us
                source:
                  type: file
                  file:
                    path: us.csv
                analysis:
                  bucket_span: 5m
                  detectors:
                    - function: sum
                      field_name: amount
                """);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int code =
                AnomalyDetectionJob.run(
                        new String[] {
                            "--spec", spec.toString(), "--output", tmp.resolve("out").toString()
                        },
                        new PrintStream(console, true, StandardCharsets.UTF_8),
                        System.err);
        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(3);
        assertThat(text)
                .contains("600 of 620 events (97%) were dead letters")
                .contains("top reason: bad_timestamp (600)")
                .contains("is not ISO-8601")
                // one example line, whichever of the bad lines reached the output first
                .containsPattern("input: 03/02/2026 \\d\\d:\\d\\d,berlin,12");

        // the same run with a threshold above its share succeeds
        int lenient =
                AnomalyDetectionJob.run(
                        new String[] {
                            "--spec",
                            spec.toString(),
                            "--output",
                            tmp.resolve("out2").toString(),
                            "--max-dead-letter-share",
                            "1",
                            "--no-summary"
                        },
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        System.err);
        assertThat(lenient).isZero();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int bad =
                AnomalyDetectionJob.run(
                        new String[] {"--spec", spec.toString(), "--max-dead-letter-share", "0"},
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(bad).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--max-dead-letter-share: must be above 0 and at most 1");
    }

    @Test
    void aHeaderlessCsvWithBasicOffsetsRunsWithItsColumnsGiven() throws Exception {
        // seed 000's Glue job writes no header; Elastic's farequote data has +0000 offsets
        StringBuilder b = new StringBuilder();
        Random r = new Random(9);
        java.time.format.DateTimeFormatter basic =
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx")
                        .withZone(java.time.ZoneOffset.UTC);
        for (int minute = 0; minute < 2 * 24 * 60; minute += 5) {
            Instant t = START.plusSeconds(60L * minute);
            for (String airline : new String[] {"AAL", "JZA"}) {
                b.append(basic.format(t))
                        .append(',')
                        .append(airline)
                        .append(',')
                        .append(String.format(Locale.ROOT, "%.2f", 100 + 5 * r.nextGaussian()))
                        .append('\n');
            }
        }
        Files.writeString(tmp.resolve("farequote.csv"), b.toString());
        Path spec = tmp.resolve("farequote.yaml");
        Files.writeString(
                spec,
                """
                job_id: farequote
                source:
                  type: file
                  file:
                    path: farequote.csv
                    header: false
                    columns: [time, airline, responsetime]
                event:
                  timestamp_field: time
                analysis:
                  bucket_span: 15m
                  detectors:
                    - function: mean
                      field_name: responsetime
                      by_field_name: airline
                """);
        Path out = tmp.resolve("fq");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int code =
                AnomalyDetectionJob.run(
                        new String[] {
                            "--spec",
                            spec.toString(),
                            "--output",
                            out.toString(),
                            "--progress",
                            "ALWAYS"
                        },
                        new PrintStream(console, true, StandardCharsets.UTF_8),
                        System.err);
        assertThat(code).isZero();
        // the progress line's last word: every line read, each counted with its end of line
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("progress: 1,152 events, 100% of input, ")
                .contains(" input read in ");
        assertThat(
                        Files.exists(out.resolve("dead-letters.jsonl"))
                                ? readJsonLines(out.resolve("dead-letters.jsonl"))
                                : List.of())
                .isEmpty();
        List<JsonNode> buckets = readJsonLines(out.resolve("buckets.jsonl"));
        assertThat(buckets).hasSize(2 * 24 * 4);
        // every row is an event, the first one included
        assertThat(buckets.stream().mapToLong(n -> n.path("event_count").asLong()).sum())
                .isEqualTo(2L * 2 * 24 * 12);
        assertThat(buckets.get(0).path("timestamp").asLong()).isEqualTo(START.toEpochMilli());
    }
}
