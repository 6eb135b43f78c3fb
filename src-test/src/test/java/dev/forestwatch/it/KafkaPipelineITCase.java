package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.connectors.testutil.KafkaBroker;
import dev.forestwatch.connectors.testutil.KafkaBrokerExtension;
import dev.forestwatch.it.support.CutoffRecompute;
import dev.forestwatch.it.support.KafkaIo;
import dev.forestwatch.it.support.LatencyEvents;
import dev.forestwatch.job.AnomalyDetectionJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka in, Kafka out, through the real command line ({@code --spec} only, no {@code --output}):
 * JSON events with malformed messages mixed in on a two-partition topic, results, alerts, cutoffs
 * and dead letters on their topics, written exactly once and read back with {@code read_committed}.
 */
class KafkaPipelineITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String INPUT = "web.requests";
    private static final String RECORDS = "web.records";
    private static final String BUCKETS = "web.buckets";
    private static final String ALERTS = "web.alerts";
    private static final String CUTOFFS = "web.cutoffs";
    private static final String DEAD_LETTERS = "web.dead-letters";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @TempDir static Path tmp;

    static List<LatencyEvents.Message> messages;
    static List<RecordMetadata> written;
    static String console;
    static Path specFile;
    static List<ConsumerRecord<byte[], byte[]>> records;
    static List<ConsumerRecord<byte[], byte[]>> buckets;
    static List<ConsumerRecord<byte[], byte[]>> alerts;
    static List<ConsumerRecord<byte[], byte[]>> cutoffs;
    static List<ConsumerRecord<byte[], byte[]>> deadLetters;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    static void runTheJobFromTheCommandLine() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        KafkaIo.createTopics(kafka.bootstrapServers(), LatencyEvents.PARTITIONS, INPUT);
        KafkaIo.createTopics(
                kafka.bootstrapServers(), 1, RECORDS, BUCKETS, ALERTS, CUTOFFS, DEAD_LETTERS);
        messages = LatencyEvents.messages();
        written = KafkaIo.produceAll(kafka.bootstrapServers(), INPUT, messages);

        Path spec = tmp.resolve("web-latency.yaml");
        specFile = spec;
        Files.writeString(
                spec,
                """
                job_id: web-latency
                source:
                  type: kafka
                  kafka:
                    bootstrap_servers: %1$s
                    topics: [%2$s]
                    starting_offsets: earliest
                    bounded: true
                event:
                  timestamp_field: timestamp
                  timestamp_format: iso8601
                  max_out_of_orderness: 30s
                analysis:
                  bucket_span: 15m
                  detectors:
                    - function: mean
                      field_name: responsetime
                      by_field_name: service
                  influencers: [service]
                alerting:
                  policies:
                    - name: critical-buckets
                      mode: score
                      level: bucket
                      min_score: 75
                sinks:
                  kafka:
                    bootstrap_servers: %1$s
                    delivery_guarantee: exactly_once
                    topics:
                      records: %3$s
                      buckets: %4$s
                      alerts: %5$s
                      cutoffs: %6$s
                      dead_letters: %7$s
                """
                        .formatted(
                                kafka.bootstrapServers(),
                                INPUT,
                                RECORDS,
                                BUCKETS,
                                ALERTS,
                                CUTOFFS,
                                DEAD_LETTERS));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                AnomalyDetectionJob.run(
                        new String[] {"--spec", spec.toString(), "--no-summary"},
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        console = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit code; stderr: %s", err).isZero();

        records =
                kafka.readCommitted(
                        RECORDS,
                        LatencyEvents.SERVICES.length * LatencyEvents.buckets(),
                        READ_TIMEOUT);
        buckets = kafka.readCommitted(BUCKETS, LatencyEvents.buckets(), READ_TIMEOUT);
        alerts = kafka.readCommitted(ALERTS);
        cutoffs = kafka.readCommitted(CUTOFFS);
        deadLetters =
                kafka.readCommitted(
                        DEAD_LETTERS,
                        (int) messages.stream().filter(LatencyEvents.Message::malformed).count(),
                        READ_TIMEOUT);
    }

    @Test
    void theConsoleSaysTheResultsGoToKafkaOnly() {
        assertThat(console).contains("running job 'web-latency' locally").contains("(console)");
    }

    @Test
    void everySeriesHasARecordPerBucketWithElasticFieldNames() {
        assertThat(records).hasSize(LatencyEvents.SERVICES.length * LatencyEvents.buckets());
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> message : records) {
            JsonNode r = KafkaIo.json(message.value());
            assertThat(r.path("job_id").asText()).isEqualTo("web-latency");
            assertThat(r.path("result_type").asText()).isEqualTo("record");
            assertThat(r.path("bucket_span").asLong()).isEqualTo(900);
            assertThat(r.path("detector_index").asInt()).isZero();
            assertThat(r.path("function").asText()).isEqualTo("mean");
            assertThat(r.path("field_name").asText()).isEqualTo("responsetime");
            assertThat(r.path("by_field_name").asText()).isEqualTo("service");
            assertThat(r.path("by_field_value").asText()).isIn((Object[]) LatencyEvents.SERVICES);
            assertThat(r.path("timestamp").asLong() % (15 * 60_000)).isZero();
            assertThat(r.path("timestamp_string").asText()).endsWith("Z");
            assertThat(r.path("record_score").asDouble()).isBetween(0.0, 100.0);
            assertThat(r.path("initial_record_score").isNumber()).isTrue();
            assertThat(r.path("probability").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);
            assertThat(r.path("severity").asText()).isIn("warning", "minor", "major", "critical");
            assertThat(r.path("actual").isArray()).isTrue();
            assertThat(r.path("raw_score").isNumber()).isTrue();
            assertThat(r.path("is_interim").asBoolean()).isFalse();
            assertThat(r.path("influencers").get(0).path("influencer_field_name").asText())
                    .isEqualTo("service");
            assertThat(r.path("influencers").get(0).path("influencer_field_values").get(0).asText())
                    .isEqualTo(r.path("by_field_value").asText());
            // records are keyed by result id (latest result per id on a compacted topic)
            assertThat(KafkaIo.key(message)).isEqualTo(r.path("result_id").asText());
            ids.add(r.path("result_id").asText());
        }
        assertThat(ids).as("exactly once: no result twice").hasSize(records.size());
    }

    @Test
    void bucketsCoverEveryGoodEventAndTheSpikeIsTheTopBucket() {
        assertThat(buckets).hasSize(LatencyEvents.buckets());
        long events = 0;
        for (ConsumerRecord<byte[], byte[]> message : buckets) {
            JsonNode b = KafkaIo.json(message.value());
            assertThat(b.path("result_type").asText()).isEqualTo("bucket");
            assertThat(b.path("job_id").asText()).isEqualTo("web-latency");
            assertThat(b.path("anomaly_score").asDouble()).isBetween(0.0, 100.0);
            assertThat(b.path("initial_anomaly_score").isNumber()).isTrue();
            assertThat(b.path("record_count").asInt()).isEqualTo(LatencyEvents.SERVICES.length);
            assertThat(b.path("bucket_influencers").isArray()).isTrue();
            assertThat(b.has("processing_time_ms")).isTrue();
            assertThat(KafkaIo.key(message)).isEqualTo("web-latency");
            events += b.path("event_count").asLong();
        }
        assertThat(events).isEqualTo(LatencyEvents.goodEvents());
        JsonNode top =
                KafkaIo.values(buckets).stream()
                        .max(Comparator.comparingDouble(b -> b.path("anomaly_score").asDouble()))
                        .orElseThrow();
        assertThat(top.path("timestamp").asLong()).isEqualTo(LatencyEvents.SPIKE.toEpochMilli());
        assertThat(top.path("anomaly_score").asDouble()).isGreaterThanOrEqualTo(75);
        assertThat(top.path("top_record").asText()).contains(LatencyEvents.SPIKE_SERVICE);
    }

    @Test
    void theReportReadsTheResultTopicsAndPutsTheSpikeOnTop() throws Exception {
        Path html = tmp.resolve("report.html");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code =
                AnomalyDetectionJob.run(
                        new String[] {
                            "report",
                            "--kafka",
                            "--spec",
                            specFile.toString(),
                            "--out",
                            html.toString()
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        System.err);
        String said = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(said).isZero();
        assertThat(said)
                .contains("report: " + html.toAbsolutePath())
                .contains(LatencyEvents.SERVICES.length + " series");
        String page = Files.readString(html);
        String json =
                page.substring(
                        page.indexOf("id=\"report-data\">") + "id=\"report-data\">".length(),
                        page.indexOf("</script>", page.indexOf("id=\"report-data\">")));
        JsonNode data = KafkaIo.json(json.getBytes(StandardCharsets.UTF_8));
        assertThat(data.at("/summary/records").asInt()).isEqualTo(records.size());
        assertThat(data.at("/summary/buckets").asInt()).isEqualTo(LatencyEvents.buckets());
        assertThat(data.at("/summary/events").asLong()).isEqualTo(LatencyEvents.goodEvents());
        assertThat(data.at("/summary/alerts").asInt()).isEqualTo(alerts.size());
        JsonNode dead = data.at("/summary/dead_letters");
        long deadCount = 0;
        for (JsonNode d : dead) {
            deadCount += d.get("count").asLong();
        }
        assertThat(deadCount).isEqualTo(deadLetters.size());
        JsonNode top = data.at("/top/0");
        assertThat(top.get("t").asLong()).isEqualTo(LatencyEvents.SPIKE.toEpochMilli());
        assertThat(data.at("/series/" + top.get("series").asInt() + "/label").asText())
                .contains(LatencyEvents.SPIKE_SERVICE);
    }

    @Test
    void theSpikeBucketRaisesOneAlertKeyedByItsId() {
        assertThat(alerts).isNotEmpty();
        List<JsonNode> spike = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> message : alerts) {
            JsonNode a = KafkaIo.json(message.value());
            assertThat(KafkaIo.key(message)).isEqualTo(a.path("alert_id").asText());
            assertThat(a.path("job_id").asText()).isEqualTo("web-latency");
            assertThat(a.path("policy").asText()).isEqualTo("critical-buckets");
            assertThat(a.path("mode").asText()).isEqualTo("score");
            assertThat(a.path("level").asText()).isEqualTo("bucket");
            assertThat(a.path("score").asDouble()).isGreaterThanOrEqualTo(75);
            assertThat(a.has("raw_score")).as("score-mode alerts carry no raw score").isFalse();
            ids.add(a.path("alert_id").asText());
            if (a.path("timestamp").asLong() == LatencyEvents.SPIKE.toEpochMilli()) {
                spike.add(a);
            }
        }
        assertThat(ids).hasSize(alerts.size());
        assertThat(spike).hasSize(1);
        assertThat(spike.get(0).path("message").asText()).isNotBlank();
        assertThat(spike.get(0).path("top_records").toString())
                .contains(LatencyEvents.SPIKE_SERVICE);
    }

    @Test
    void cutoffsArePublishedPerDataKind() {
        assertThat(cutoffs).isNotEmpty();
        for (JsonNode c : KafkaIo.values(cutoffs)) {
            assertThat(c.path("result_type").asText()).isEqualTo("cutoff");
            assertThat(c.path("data_kind").asText()).isEqualTo("web-latency");
            assertThat(c.path("method").asText()).isEqualTo("mean_plus_k_sigma");
            assertThat(c.path("update_time").asText()).hasSize(14);
            // recomputed from the record topic: the model-ready raw scores of the last 7 days
            // (the default history) before the recomputation's time
            CutoffRecompute expected =
                    CutoffRecompute.of(
                            KafkaIo.values(records),
                            c.path("computed_at").asLong(),
                            Duration.ofDays(7));
            assertThat(c.path("sample_count").asLong()).isEqualTo(expected.count());
            assertThat(c.path("score_cutoff").asDouble())
                    .isCloseTo(expected.cutoff(3), within(1e-5));
        }
        assertThat(cutoffs).allSatisfy(m -> assertThat(KafkaIo.key(m)).isEqualTo("web-latency"));
    }

    @Test
    void everyMalformedMessageIsOnTheDeadLetterTopicWithItsReasonAndOrigin() {
        Map<String, JsonNode> byOrigin = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> message : deadLetters) {
            JsonNode d = KafkaIo.json(message.value());
            assertThat(d.path("result_type").asText()).isEqualTo("dead_letter");
            assertThat(d.path("detail").asText()).isNotBlank();
            assertThat(KafkaIo.key(message)).isEqualTo(d.path("reason").asText());
            assertThat(byOrigin.put(d.path("origin").asText(), d))
                    .as("one dead letter per origin")
                    .isNull();
        }
        int malformed = 0;
        Set<String> reasons = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            LatencyEvents.Message m = messages.get(i);
            if (!m.malformed()) {
                continue;
            }
            malformed++;
            RecordMetadata meta = written.get(i);
            String origin = "kafka:" + INPUT + "-" + meta.partition() + "@" + meta.offset();
            JsonNode d = byOrigin.get(origin);
            assertThat(d).as("dead letter for %s (%s)", origin, m.expectedReason()).isNotNull();
            assertThat(d.path("reason").asText()).as(origin).isEqualTo(m.expectedReason());
            byte[] value = m.value() == null ? new byte[0] : m.value();
            assertThat(d.path("payload_bytes").asInt()).isEqualTo(value.length);
            if (d.has("payload_base64")) {
                assertThat(Base64.getDecoder().decode(d.path("payload_base64").asText()))
                        .isEqualTo(value);
            } else {
                assertThat(d.path("payload").asText())
                        .isEqualTo(new String(value, StandardCharsets.UTF_8));
            }
            reasons.add(m.expectedReason());
        }
        assertThat(deadLetters).as("only the malformed messages").hasSize(malformed);
        assertThat(reasons)
                .containsExactlyInAnyOrder(
                        "unparsable",
                        "oversized",
                        "missing_timestamp",
                        "bad_timestamp",
                        "missing_field",
                        "wrong_type",
                        "non_numeric",
                        "not_finite");
        // the invalid UTF-8 message keeps its exact bytes, as base64
        assertThat(byOrigin.values()).anyMatch(d -> d.has("payload_base64"));
    }
}
