package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.connectors.dynamodb.CutoffTableReader;
import dev.forestwatch.connectors.testutil.DynamoDbLocal;
import dev.forestwatch.connectors.testutil.KafkaBroker;
import dev.forestwatch.connectors.testutil.KafkaBrokerExtension;
import dev.forestwatch.it.support.CutoffRecompute;
import dev.forestwatch.it.support.KafkaIo;
import dev.forestwatch.it.support.KafkaOutputSinks;
import dev.forestwatch.it.support.MiniClusters;
import dev.forestwatch.it.support.TaxiTable;
import dev.forestwatch.job.AnomalyPipeline;
import dev.forestwatch.job.EventSources;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Seed 000 end to end, live: the NAB NYC taxi ridership written item by item into {@code
 * taxi_ridership} (DynamoDB Local, with a stream), the blog's cutoff already in {@code
 * anomaly_cut_off} as the weekly Glue job left it, alerts to Kafka ({@code taxi.alerts}), and the
 * job's own mean + 3σ cutoffs back into {@code anomaly_cut_off}, where the seed's Lambda query
 * finds them.
 */
class SeedScenarioITCase {
    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String TAXI_TABLE = "taxi_ridership";
    private static final String CUTOFF_TABLE = "anomaly_cut_off";
    private static final String DATA_KIND = "taxi_ridership";
    private static final String BLOG_UPDATE_TIME = "20140101000000";
    private static final String BLOG_CUTOFF = "1.31462299965";
    private static final int ROWS = 1500;
    private static final long SPAN_MILLIS = Duration.ofMinutes(30).toMillis();

    private static DynamoDbLocal local;
    private static List<JsonNode> alerts;
    private static List<ConsumerRecord<byte[], byte[]>> alertMessages;
    private static List<JsonNode> cutoffs;
    private static int records;
    private static List<JsonNode> recordValues;
    private static Optional<CutoffItem> seedQuery;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    static void runTheSeedScenario() throws Exception {
        local = DynamoDbLocal.start();
        DynamoDbClient ddb = local.client();
        // The blog's cutoff, written with the plain SDK like the seed's Glue job did.
        CutoffTableReader.createTableIfMissing(ddb, CUTOFF_TABLE);
        ddb.putItem(
                b ->
                        b.tableName(CUTOFF_TABLE)
                                .item(
                                        Map.of(
                                                "data_kind", AttributeValue.fromS(DATA_KIND),
                                                "update_time",
                                                        AttributeValue.fromS(BLOG_UPDATE_TIME),
                                                "score_cutoff",
                                                        AttributeValue.fromN(BLOG_CUTOFF))));
        TaxiTable taxi = TaxiTable.create(ddb, TAXI_TABLE);
        List<String[]> rows = nycTaxi(ROWS);
        KafkaBroker kafka = KAFKA.broker();
        KafkaIo.createTopics(
                kafka.bootstrapServers(), 1, "taxi.alerts", "taxi.cutoffs", "taxi.records");
        JobSpec spec = spec(kafka.bootstrapServers(), local.endpoint());

        // What AnomalyDetectionJob does at start: the newest cutoff per data kind from the table.
        Map<String, CutoffItem> initial =
                CutoffTableReader.latest(ddb, CUTOFF_TABLE, List.of(DATA_KIND));
        assertThat(initial.get(DATA_KIND).updateTime()).isEqualTo(BLOG_UPDATE_TIME);
        assertThat(initial.get(DATA_KIND).method()).isEqualTo(CutoffItem.METHOD_EXTERNAL);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // exactly-once Kafka sinks commit and the DynamoDB sink flushes on checkpoints
        env.enableCheckpointing(1000);
        new AnomalyPipeline(spec, EventSources.fromSpec(spec), initial)
                .build(env, KafkaOutputSinks.fromSpec(spec));
        JobClient job = env.executeAsync("seed 000 live");
        try {
            // Items arrive while the job runs, one by one in time order, as the seed's loader
            // wrote them.
            for (int i = 0; i < rows.size(); i++) {
                String[] row = rows.get(i);
                taxi.put(Integer.toString(i + 1), row[1], timestamp(row[0]));
            }
            // The stream never ends: the watermark stays 1m (max_out_of_orderness) behind the
            // last row, so the buckets of the last two rows stay open.
            int expectedRecords = rows.size() - 2;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                assertThat(job.getJobExecutionResult().isDone())
                        .as("the job is still running")
                        .isFalse();
                recordValues = KafkaIo.values(kafka.readCommitted("taxi.records"));
                records = recordValues.size();
                cutoffs = KafkaIo.values(kafka.readCommitted("taxi.cutoffs"));
                seedQuery = CutoffTableReader.latest(ddb, CUTOFF_TABLE, DATA_KIND);
                String newestPublished =
                        cutoffs.stream()
                                .map(c -> c.path("update_time").asText())
                                .max(String::compareTo)
                                .orElse("");
                boolean done =
                        records >= expectedRecords
                                && seedQuery.isPresent()
                                && seedQuery.get().updateTime().equals(newestPublished);
                if (done) {
                    break;
                }
                assertThat(System.nanoTime())
                        .as(
                                "all records committed (%d of %d) and the table holding the newest"
                                        + " published cutoff %s (has %s) in time",
                                records, expectedRecords, newestPublished, seedQuery)
                        .isLessThan(deadline);
                Thread.sleep(500);
            }
            alertMessages = kafka.readCommitted("taxi.alerts");
            alerts = KafkaIo.values(alertMessages);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopDynamoDb() throws Exception {
        if (local != null) {
            local.close();
        }
    }

    static JobSpec spec(String bootstrapServers, String endpoint) {
        String yaml =
                """
                job_id: nyc-taxi-live
                source:
                  type: dynamodb-streams
                  dynamodb_streams:
                    table: taxi_ridership
                    region: us-east-1
                    endpoint: %2$s
                    credentials: basic
                    access_key_id: dummy
                    secret_access_key: dummy
                    initial_position: trim_horizon
                    poll_interval: 200ms
                    discovery_interval: 1s
                event:
                  timestamp_field: timestamp
                  timestamp_format: 'yyyy-MM-dd HH:mm:ss'
                  max_out_of_orderness: 1m
                  allowed_lateness: 0s
                  idleness: 1s
                analysis:
                  bucket_span: 30m
                  detectors:
                    - function: value
                      fields: [transaction_id, ridecount]
                  influencers: []
                model:
                  trees: 50
                  sample_size: 200
                  shingle_size: 1
                  seed: 42
                scoring:
                  cutoff:
                    method: mean_plus_k_sigma
                    k: 3
                    history: 7d
                    interval: 12h
                    per: job
                    data_kind: taxi_ridership
                    min_samples: 50
                alerting:
                  policies:
                    - name: above-cutoff
                      mode: cutoff
                      level: record
                  suppression: 0s
                sinks:
                  dynamodb:
                    cutoff_table: anomaly_cut_off
                    region: us-east-1
                    endpoint: %2$s
                    credentials: basic
                    access_key_id: dummy
                    secret_access_key: dummy
                    read_on_start: true
                    create_if_missing: false
                  kafka:
                    bootstrap_servers: %1$s
                    delivery_guarantee: exactly_once
                    transactional_id_prefix: forestwatch-nyc-taxi
                    transaction_timeout: 10m
                    topics:
                      alerts: taxi.alerts
                      records: taxi.records
                      cutoffs: taxi.cutoffs
                limits:
                  state_ttl: 30d
                """
                        .formatted(bootstrapServers, endpoint);
        return JobSpecLoader.parse(yaml, "nyc-taxi-live", Path.of("."));
    }

    @Test
    void alertsAreRaisedOnlyAboveTheCutoffTheyName() {
        assertThat(alerts).isNotEmpty();
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode a = alerts.get(i);
            assertThat(KafkaIo.key(alertMessages.get(i))).isEqualTo(a.path("alert_id").asText());
            assertThat(a.path("job_id").asText()).isEqualTo("nyc-taxi-live");
            assertThat(a.path("policy").asText()).isEqualTo("above-cutoff");
            assertThat(a.path("mode").asText()).isEqualTo("cutoff");
            assertThat(a.path("level").asText()).isEqualTo("record");
            assertThat(a.path("raw_score").asDouble())
                    .as("alert %s", a)
                    .isGreaterThan(a.path("cutoff").asDouble());
            assertThat(a.path("cutoff_update_time").asText()).hasSize(14);
        }
        assertThat(alerts).extracting(a -> a.path("alert_id").asText()).doesNotHaveDuplicates();
    }

    @Test
    void alertsBeforeTheFirstRecomputationUseTheBlogsCutoffAndLaterOnesTheJobs() {
        long firstRecomputation =
                cutoffs.stream().mapToLong(c -> c.path("computed_at").asLong()).min().orElseThrow();
        List<JsonNode> early = new ArrayList<>();
        List<JsonNode> later = new ArrayList<>();
        for (JsonNode a : alerts) {
            // a record is judged with the newest cutoff known when its bucket closed
            if (a.path("timestamp").asLong() + SPAN_MILLIS < firstRecomputation) {
                early.add(a);
            } else {
                later.add(a);
            }
        }
        assertThat(early)
                .as(
                        "alerts before the first recomputation at %s",
                        Instant.ofEpochMilli(firstRecomputation))
                .isNotEmpty()
                .allSatisfy(
                        a -> {
                            assertThat(a.path("cutoff_update_time").asText())
                                    .isEqualTo(BLOG_UPDATE_TIME);
                            assertThat(a.path("cutoff").asDouble())
                                    .isEqualTo(Double.parseDouble(BLOG_CUTOFF));
                        });
        List<String> published = cutoffs.stream().map(c -> c.path("update_time").asText()).toList();
        assertThat(later)
                .allSatisfy(a -> assertThat(a.path("cutoff_update_time").asText()).isIn(published));
    }

    @Test
    void theJobsCutoffsAreMeanPlusThreeSigmaUnderTheSeedsDataKind() {
        assertThat(cutoffs).isNotEmpty();
        for (JsonNode c : cutoffs) {
            assertThat(c.path("data_kind").asText()).isEqualTo(DATA_KIND);
            assertThat(c.path("method").asText()).isEqualTo(CutoffItem.METHOD_MEAN_PLUS_K_SIGMA);
            assertThat(c.path("update_time").asText()).isGreaterThan(BLOG_UPDATE_TIME);
            assertThat(c.path("sample_count").asLong()).isGreaterThanOrEqualTo(50);
            // recomputed from the record topic's raw scores of the 7 days before, not from the
            // item's own mean and σ (raw scores are written with six decimals)
            CutoffRecompute expected =
                    CutoffRecompute.of(
                            recordValues, c.path("computed_at").asLong(), Duration.ofDays(7));
            assertThat(c.path("sample_count").asLong()).isEqualTo(expected.count());
            assertThat(c.path("score_cutoff").asDouble())
                    .isCloseTo(expected.cutoff(3), within(1e-5));
            // recomputed every 12 hours of event time, stamped with the interval's end
            assertThat(c.path("computed_at").asLong() % Duration.ofHours(12).toMillis()).isZero();
        }
        assertThat(records).isEqualTo(ROWS - 2);
    }

    @Test
    void theSeedsQueryFindsTheJobsNewestCutoff() {
        assertThat(seedQuery).isPresent();
        CutoffItem newest = seedQuery.get();
        assertThat(newest.method()).isEqualTo(CutoffItem.METHOD_MEAN_PLUS_K_SIGMA);
        assertThat(newest.updateTime()).isGreaterThan(BLOG_UPDATE_TIME);
        JsonNode published =
                cutoffs.stream()
                        .max(Comparator.comparing(c -> c.path("update_time").asText()))
                        .orElseThrow();
        assertThat(newest.updateTime()).isEqualTo(published.path("update_time").asText());
        assertThat(newest.scoreCutoff())
                .isCloseTo(published.path("score_cutoff").asDouble(), within(1e-9));
        assertThat(newest.k()).isEqualTo(3.0);
        assertThat(newest.sampleCount()).isEqualTo(published.path("sample_count").asLong());
        // the blog's row is still there, below every row the job wrote
        Map<String, AttributeValue> blogs =
                local.client()
                        .getItem(
                                b ->
                                        b.tableName(CUTOFF_TABLE)
                                                .key(
                                                        Map.of(
                                                                "data_kind",
                                                                AttributeValue.fromS(DATA_KIND),
                                                                "update_time",
                                                                AttributeValue.fromS(
                                                                        BLOG_UPDATE_TIME))))
                        .item();
        assertThat(blogs.get("score_cutoff").n()).isEqualTo(BLOG_CUTOFF);
    }

    /** The first {@code n} rows of NAB's nyc_taxi.csv as {@code [timestamp, value]}. */
    static List<String[]> nycTaxi(int n) throws IOException {
        String dir = System.getProperty("nab.dir");
        Path nab = dir != null ? Path.of(dir) : Path.of("..", "..", "shared", "nab");
        Path csv = nab.resolve("data/realKnownCause/nyc_taxi.csv");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("timestamp,value");
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, Math.min(lines.size(), n + 1))) {
            rows.add(line.split(","));
        }
        return rows;
    }

    private static Instant timestamp(String text) {
        return LocalDateTime.parse(text, TaxiTable.TIMESTAMP).toInstant(ZoneOffset.UTC);
    }
}
