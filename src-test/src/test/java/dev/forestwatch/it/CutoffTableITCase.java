package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.connectors.dynamodb.CutoffTableReader;
import dev.forestwatch.connectors.dynamodb.CutoffTableSchema;
import dev.forestwatch.connectors.testutil.DynamoDbLocal;
import dev.forestwatch.it.support.CutoffRecompute;
import dev.forestwatch.job.AnomalyDetectionJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The seed's {@code anomaly_cut_off} table end to end through the real command line: a CSV replay
 * whose spec recomputes {@code mean + 3σ} cutoffs in event time, writes them to DynamoDB Local and
 * starts from the newest cutoff the seed's batch job left in the table (the AWS blog's item).
 */
class CutoffTableITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TABLE = "anomaly_cut_off";
    private static final String KIND = "taxi_ridership";

    /** The item of the seed's blog post, as its batch job stored it. */
    private static final String BLOG_UPDATE_TIME = "20000101000000";

    private static final String BLOG_CUTOFF_TEXT = "1.31462299965";
    private static final double BLOG_CUTOFF = Double.parseDouble(BLOG_CUTOFF_TEXT);

    private static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
    private static final int DAYS = 4;
    private static final Duration SPAN = Duration.ofMinutes(10);
    private static final Duration INTERVAL = Duration.ofHours(6);

    /** Early spike: after the 16 warm-up buckets, before the first recomputation. */
    private static final Instant EARLY_SPIKE = START.plus(Duration.ofMinutes(4 * 60 + 30));

    /** Late spike: well after the job publishes its own cutoffs. */
    private static final Instant LATE_SPIKE = START.plus(Duration.ofHours(3 * 24 + 15));

    /**
     * Every job with {@code sinks.dynamodb} fails at submission: {@code CutoffTableSink.attach}
     * adds a filter without a uid while the pipeline disables auto-generated uids.
     */
    private static DynamoDbLocal dynamo;

    private static DynamoDbClient ddb;

    @TempDir Path tmp;

    @BeforeAll
    static void startDynamoDb() {
        dynamo = DynamoDbLocal.start();
        ddb = dynamo.client();
    }

    @AfterAll
    static void stopDynamoDb() throws Exception {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @BeforeEach
    void dropTable() {
        try {
            ddb.deleteTable(b -> b.tableName(TABLE));
        } catch (ResourceNotFoundException e) {
            // fresh server or a test that never created it
        }
    }

    @Test
    void writesCutoffsAndStartsFromTheStoredCutoff() throws Exception {
        createSeedTable();
        putBlogItem();

        Run run = runJob(true);

        assertJobCutoffsInTable(run, true);

        // (b) the blog's cutoff applied until the job's first own recomputation, then the job's
        long first = run.firstComputedAt();
        List<JsonNode> early = new ArrayList<>();
        List<JsonNode> later = new ArrayList<>();
        for (JsonNode a : run.alerts) {
            assertCutoffAlert(a);
            long knownAt = knownAt(a);
            if (knownAt < first) {
                early.add(a);
                assertThat(a.path("cutoff").asDouble()).as(describe(a)).isEqualTo(BLOG_CUTOFF);
                assertThat(a.path("cutoff_update_time").asText())
                        .as(describe(a))
                        .isEqualTo(BLOG_UPDATE_TIME);
            } else {
                later.add(a);
                assertCarriesJobCutoff(a, run);
            }
        }
        assertThat(early)
                .as("alerts before the first recomputation at %s", Instant.ofEpochMilli(first))
                .isNotEmpty()
                .anySatisfy(a -> assertThat(a.path("entity").asText()).contains("zone=b"))
                .anySatisfy(
                        a ->
                                assertThat(a.path("timestamp").asLong())
                                        .isEqualTo(EARLY_SPIKE.toEpochMilli()));
        assertThat(later).as("alerts under the job's own cutoffs").isNotEmpty();
        assertLateSpikeAlerted(run);
    }

    @Test
    void createsTheMissingTableAndWritesCutoffs() throws Exception {
        assertThat(tableExists()).isFalse();

        Run run = runJob(true);

        TableDescription table = ddb.describeTable(b -> b.tableName(TABLE)).table();
        assertThat(table.keySchema())
                .containsExactly(
                        KeySchemaElement.builder()
                                .attributeName(CutoffTableSchema.DATA_KIND)
                                .keyType(KeyType.HASH)
                                .build(),
                        KeySchemaElement.builder()
                                .attributeName(CutoffTableSchema.UPDATE_TIME)
                                .keyType(KeyType.RANGE)
                                .build());
        assertThat(table.attributeDefinitions())
                .contains(
                        stringAttribute(CutoffTableSchema.DATA_KIND),
                        stringAttribute(CutoffTableSchema.UPDATE_TIME));
        assertJobCutoffsInTable(run, false);

        // Nothing in the table at start: no cutoff, so no cutoff-mode alert, until the first
        // recomputation.
        for (JsonNode a : run.alerts) {
            assertCutoffAlert(a);
            assertThat(knownAt(a)).as(describe(a)).isGreaterThanOrEqualTo(run.firstComputedAt());
            assertCarriesJobCutoff(a, run);
        }
        assertLateSpikeAlerted(run);
    }

    @Test
    void readOnStartFalseIgnoresTheStoredCutoff() throws Exception {
        createSeedTable();
        putBlogItem();

        Run run = runJob(false);

        assertJobCutoffsInTable(run, true);
        for (JsonNode a : run.alerts) {
            assertCutoffAlert(a);
            assertThat(a.path("cutoff_update_time").asText())
                    .as(describe(a))
                    .isNotEqualTo(BLOG_UPDATE_TIME);
            assertThat(knownAt(a)).as(describe(a)).isGreaterThanOrEqualTo(run.firstComputedAt());
            assertCarriesJobCutoff(a, run);
        }
        assertThat(run.alerts)
                .as("the early spike has no cutoff to exceed")
                .noneSatisfy(
                        a ->
                                assertThat(a.path("timestamp").asLong())
                                        .isEqualTo(EARLY_SPIKE.toEpochMilli()));
        assertLateSpikeAlerted(run);
    }

    /**
     * A replay publishes a cutoff at every 6h boundary that has at least {@code min_samples} scores
     * in the 2d before it, each over exactly those scores: the final, model-ready records of
     * records.jsonl in {@code [boundary - 2d, boundary)}.
     */
    @Test
    void cutoffsOfAReplayCoverTheWholeHistory() throws Exception {
        createSeedTable();

        Run run = runJob(true);

        long interval = INTERVAL.toMillis();
        long history = Duration.ofDays(2).toMillis();
        List<Long> scored = new ArrayList<>();
        long lastScore = Long.MIN_VALUE;
        for (JsonNode r : run.records) {
            if (r.path("model_ready").asBoolean() && !r.path("is_interim").asBoolean()) {
                long ts = r.path("timestamp").asLong();
                scored.add(ts);
                lastScore = Math.max(lastScore, ts);
            }
        }
        assertThat(scored).as("scored records").hasSizeGreaterThan(500);
        List<String> expected = new ArrayList<>();
        long lastBoundary = Math.floorDiv(lastScore, interval) * interval + interval;
        for (long b = START.toEpochMilli(); b <= lastBoundary; b += interval) {
            long from = b - history;
            long until = b;
            long count = scored.stream().filter(t -> t >= from && t < until).count();
            if (count >= 50) {
                expected.add(CutoffItem.updateTimeOf(b) + " n=" + count);
            }
        }
        List<String> actual = new ArrayList<>();
        for (JsonNode c : run.cutoffs) {
            actual.add(c.path("update_time").asText() + " n=" + c.path("sample_count").asLong());
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(queryAll(KIND)).hasSize(expected.size());
    }

    // ---- assertions ----

    /**
     * (a): the table holds one item per line of cutoffs.jsonl (same key, same numbers), plus the
     * blog's untouched item when it was there, and the seed's query finds the job's newest one.
     */
    private void assertJobCutoffsInTable(Run run, boolean withBlogItem) {
        assertThat(run.cutoffs).as("cutoffs.jsonl").hasSizeGreaterThanOrEqualTo(4);
        long previous = Long.MIN_VALUE;
        for (JsonNode c : run.cutoffs) {
            assertThat(c.path("data_kind").asText()).isEqualTo(KIND);
            assertThat(c.path("method").asText()).isEqualTo(CutoffItem.METHOD_MEAN_PLUS_K_SIGMA);
            assertThat(c.path("k").asDouble()).isEqualTo(3.0);
            long computedAt = c.path("computed_at").asLong();
            assertThat(computedAt % INTERVAL.toMillis()).as("aligned to 6h").isZero();
            assertThat(computedAt).as("cutoffs.jsonl in time order").isGreaterThan(previous);
            previous = computedAt;
            assertThat(c.path("update_time").asText())
                    .isEqualTo(CutoffItem.updateTimeOf(computedAt));
            assertThat(c.path("sample_count").asLong()).isGreaterThanOrEqualTo(50);
            // mean + 3σ recomputed from the run's own raw scores of the 2d before, not from the
            // item's own mean and σ (records.jsonl rounds raw scores to six decimals)
            CutoffRecompute expected =
                    CutoffRecompute.of(run.records, computedAt, Duration.ofDays(2));
            assertThat(c.path("mean").asDouble()).isCloseTo(expected.mean(), within(1e-5));
            assertThat(c.path("stddev").asDouble()).isCloseTo(expected.sigma(), within(1e-5));
            assertThat(c.path("score_cutoff").asDouble())
                    .isCloseTo(expected.cutoff(3), within(1e-5));
        }

        Map<String, Map<String, AttributeValue>> items = queryAll(KIND);
        Set<String> expectedKeys = new LinkedHashSet<>();
        for (JsonNode c : run.cutoffs) {
            expectedKeys.add(c.path("update_time").asText());
        }
        assertThat(expectedKeys).as("distinct update_time per recomputation").hasSize(run.size());
        if (withBlogItem) {
            expectedKeys.add(BLOG_UPDATE_TIME);
        }
        assertThat(items.keySet()).containsExactlyInAnyOrderElementsOf(expectedKeys);
        for (JsonNode c : run.cutoffs) {
            CutoffItem stored =
                    CutoffTableSchema.fromItem(items.get(c.path("update_time").asText()));
            assertThat(stored.scoreCutoff()).isEqualTo(c.path("score_cutoff").asDouble());
            assertThat(stored.method()).isEqualTo(CutoffItem.METHOD_MEAN_PLUS_K_SIGMA);
            assertThat(stored.k()).isEqualTo(3.0);
            assertThat(stored.mean()).isEqualTo(c.path("mean").asDouble());
            assertThat(stored.stddev()).isEqualTo(c.path("stddev").asDouble());
            assertThat(stored.sampleCount()).isEqualTo(c.path("sample_count").asLong());
            assertThat(stored.computedAtMillis()).isEqualTo(c.path("computed_at").asLong());
        }
        if (withBlogItem) {
            Map<String, AttributeValue> blog = items.get(BLOG_UPDATE_TIME);
            assertThat(blog)
                    .as("the blog's item is left as the batch job wrote it")
                    .containsOnlyKeys(
                            CutoffTableSchema.DATA_KIND,
                            CutoffTableSchema.UPDATE_TIME,
                            CutoffTableSchema.SCORE_CUTOFF);
            assertThat(blog.get(CutoffTableSchema.SCORE_CUTOFF).n()).isEqualTo(BLOG_CUTOFF_TEXT);
        }

        // The seed Lambda's query: Limit 1, newest first.
        JsonNode last = run.cutoffs.get(run.size() - 1);
        Optional<CutoffItem> latest = CutoffTableReader.latest(ddb, TABLE, KIND);
        assertThat(latest).isPresent();
        CutoffItem newest = latest.get();
        assertThat(newest.dataKind()).isEqualTo(KIND);
        assertThat(newest.method()).isEqualTo(CutoffItem.METHOD_MEAN_PLUS_K_SIGMA);
        assertThat(newest.updateTime()).isEqualTo(last.path("update_time").asText());
        assertThat(newest.scoreCutoff()).isEqualTo(last.path("score_cutoff").asDouble());
        assertThat(newest.scoreCutoff())
                .isCloseTo(
                        last.path("mean").asDouble() + 3 * last.path("stddev").asDouble(),
                        within(1e-12));
        assertThat(newest.scoreCutoff()).isGreaterThan(newest.mean());
    }

    private static void assertCutoffAlert(JsonNode a) {
        assertThat(a.path("mode").asText()).as(describe(a)).isEqualTo("cutoff");
        assertThat(a.path("level").asText()).as(describe(a)).isEqualTo("record");
        assertThat(a.path("bucket_span").asLong()).isEqualTo(SPAN.toSeconds());
        assertThat(a.path("raw_score").isNumber()).as(describe(a)).isTrue();
        assertThat(a.path("cutoff").isNumber()).as(describe(a)).isTrue();
        assertThat(a.path("raw_score").asDouble())
                .as(describe(a))
                .isGreaterThan(a.path("cutoff").asDouble());
    }

    /** The alert used the newest job cutoff computed by the time its bucket closed. */
    private static void assertCarriesJobCutoff(JsonNode a, Run run) {
        JsonNode expected = null;
        for (JsonNode c : run.cutoffs) {
            if (c.path("computed_at").asLong() <= knownAt(a)) {
                expected = c;
            }
        }
        assertThat(expected).as("a job cutoff known for %s", describe(a)).isNotNull();
        assertThat(a.path("cutoff_update_time").asText())
                .as(describe(a))
                .isEqualTo(expected.path("update_time").asText());
        assertThat(a.path("cutoff").asDouble())
                .as(describe(a))
                .isEqualTo(expected.path("score_cutoff").asDouble());
    }

    private static void assertLateSpikeAlerted(Run run) {
        assertThat(run.alerts)
                .as("the late spike exceeds the job's cutoff")
                .anySatisfy(
                        a -> {
                            assertThat(a.path("entity").asText()).contains("zone=a");
                            assertThat(a.path("timestamp").asLong())
                                    .isEqualTo(LATE_SPIKE.toEpochMilli());
                        });
    }

    /** When the alert's bucket closed: the cutoffs computed by then apply to it. */
    private static long knownAt(JsonNode alert) {
        return alert.path("timestamp").asLong() + alert.path("bucket_span").asLong() * 1000L;
    }

    private static String describe(JsonNode alert) {
        return "alert " + alert;
    }

    // ---- the run ----

    /** Output of one CLI run. */
    private record Run(List<JsonNode> cutoffs, List<JsonNode> alerts, List<JsonNode> records) {
        int size() {
            return cutoffs.size();
        }

        long firstComputedAt() {
            return cutoffs.get(0).path("computed_at").asLong();
        }
    }

    private Run runJob(boolean readOnStart) throws Exception {
        writeCsv(tmp.resolve("rides.csv"));
        Path spec = tmp.resolve("taxi.yaml");
        Files.writeString(spec, spec(readOnStart));
        Path out = tmp.resolve("out");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code =
                AnomalyDetectionJob.run(
                        new String[] {
                            "--spec", spec.toString(), "--output", out.toString(), "--no-summary"
                        },
                        new PrintStream(console, true, StandardCharsets.UTF_8),
                        new PrintStream(errors, true, StandardCharsets.UTF_8));
        assertThat(code)
                .as("exit code, stderr: %s", errors.toString(StandardCharsets.UTF_8))
                .isZero();
        List<JsonNode> deadLetters = readJsonLines(out.resolve("dead-letters.jsonl"));
        assertThat(deadLetters).isEmpty();
        return new Run(
                readJsonLines(out.resolve("cutoffs.jsonl")),
                readJsonLines(out.resolve("alerts.jsonl")),
                readJsonLines(out.resolve("records.jsonl")));
    }

    private static String spec(boolean readOnStart) {
        return """
                job_id: taxi
                description: Ride counts of two zones every 10 minutes
                source:
                  type: file
                  file:
                    path: rides.csv
                event:
                  timestamp_field: timestamp
                analysis:
                  bucket_span: 10m
                  detectors:
                    - function: mean
                      field_name: ridecount
                      by_field_name: zone
                model:
                  sample_size: 64
                  warm_up: 16
                  seed: 7
                scoring:
                  cutoff:
                    method: mean_plus_k_sigma
                    k: 3
                    history: 2d
                    interval: 6h
                    per: job
                    data_kind: %s
                    min_samples: 50
                alerting:
                  policies:
                    - name: raw-score-over-cutoff
                      mode: cutoff
                      level: record
                sinks:
                  dynamodb:
                    cutoff_table: %s
                    region: %s
                    endpoint: %s
                    credentials: basic
                    access_key_id: %s
                    secret_access_key: %s
                    create_if_missing: true
                    read_on_start: %s
                """
                .formatted(
                        KIND,
                        TABLE,
                        DynamoDbLocal.REGION,
                        dynamo.endpoint(),
                        DynamoDbLocal.DUMMY_KEY,
                        DynamoDbLocal.DUMMY_KEY,
                        readOnStart);
    }

    /**
     * Four days of ride counts per 10 minutes for zones a and b with a daily cycle and noise; zone
     * b jumps right after warm-up (before the first recomputation), zone a late on day four.
     */
    private static void writeCsv(Path file) throws Exception {
        StringBuilder b = new StringBuilder("timestamp,zone,ridecount\n");
        Random random = new Random(11);
        long steps = Duration.ofDays(DAYS).dividedBy(SPAN);
        for (long i = 0; i < steps; i++) {
            Instant t = START.plus(SPAN.multipliedBy(i));
            double hour = (t.getEpochSecond() % 86_400) / 3600.0;
            double daily = 1 + 0.5 * Math.sin(2 * Math.PI * (hour - 9) / 24);
            for (String zone : new String[] {"a", "b"}) {
                double base = zone.equals("a") ? 200 : 120;
                double value = base * daily + random.nextGaussian() * base * 0.03;
                if (zone.equals("b") && t.equals(EARLY_SPIKE)) {
                    value *= 6;
                }
                if (zone.equals("a") && t.equals(LATE_SPIKE)) {
                    value *= 6;
                }
                b.append(t)
                        .append(',')
                        .append(zone)
                        .append(',')
                        .append(String.format(Locale.ROOT, "%.1f", value))
                        .append('\n');
            }
        }
        Files.writeString(file, b.toString());
    }

    // ---- DynamoDB with the plain SDK ----

    private static void createSeedTable() {
        ddb.createTable(
                b ->
                        b.tableName(TABLE)
                                .keySchema(
                                        KeySchemaElement.builder()
                                                .attributeName("data_kind")
                                                .keyType(KeyType.HASH)
                                                .build(),
                                        KeySchemaElement.builder()
                                                .attributeName("update_time")
                                                .keyType(KeyType.RANGE)
                                                .build())
                                .attributeDefinitions(
                                        stringAttribute("data_kind"),
                                        stringAttribute("update_time"))
                                .billingMode(BillingMode.PAY_PER_REQUEST));
        ddb.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
    }

    private static void putBlogItem() {
        ddb.putItem(
                b ->
                        b.tableName(TABLE)
                                .item(
                                        Map.of(
                                                "data_kind", AttributeValue.fromS(KIND),
                                                "update_time",
                                                        AttributeValue.fromS(BLOG_UPDATE_TIME),
                                                "score_cutoff",
                                                        AttributeValue.fromN(BLOG_CUTOFF_TEXT))));
    }

    private static boolean tableExists() {
        try {
            ddb.describeTable(b -> b.tableName(TABLE));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    /** Every item of a data kind, by update_time. */
    private static Map<String, Map<String, AttributeValue>> queryAll(String kind) {
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder q =
                    QueryRequest.builder()
                            .tableName(TABLE)
                            .keyConditionExpression("data_kind = :k")
                            .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(kind)))
                            .consistentRead(true);
            if (startKey != null) {
                q.exclusiveStartKey(startKey);
            }
            QueryResponse response = ddb.query(q.build());
            for (Map<String, AttributeValue> item : response.items()) {
                Map<String, AttributeValue> before = items.put(item.get("update_time").s(), item);
                assertThat(before).isNull();
            }
            startKey = response.hasLastEvaluatedKey() ? response.lastEvaluatedKey() : null;
        } while (startKey != null && !startKey.isEmpty());
        return items;
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static List<JsonNode> readJsonLines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }
}
