package dev.forestwatch.connectors.ddbstreams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connectors.ddbstreams.DynamoDbStreamsSourceSpec.InitialPosition;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.connectors.testutil.DynamoDbLocal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The DynamoDB Streams source end to end against DynamoDB Local, on a MiniCluster with generic
 * types disabled and checkpointing on, as the job runs it.
 */
class DynamoDbStreamsSourcesTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UID = "ddb-streams-source";

    private static DynamoDbLocal local;
    private static DynamoDbClient ddb;

    @BeforeAll
    static void startDynamoDb() {
        local = DynamoDbLocal.start();
        ddb = local.client();
    }

    @AfterAll
    static void stopDynamoDb() throws Exception {
        local.close();
    }

    @BeforeEach
    void resetCheckpointCount() {
        CheckpointProbe.COMPLETED.set(0);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void trimHorizonDeliversInsertsAndModifiesButNotRemoves() throws Exception {
        String table = "taxi_ridership";
        createTable(table, StreamViewType.NEW_AND_OLD_IMAGES);
        put(table, "t1", "10844", "2014-07-01 00:00:00");
        put(table, "t2", "10920", "2014-07-01 00:30:00");
        put(table, "t3", "11001", "2014-07-01 01:00:00");
        put(table, "t2", "10999", "2014-07-01 00:30:00");
        delete(table, "t3");
        // A sentinel after the REMOVE: if the REMOVE produced anything, it would arrive before it.
        put(table, "t4", "9000", "2014-07-01 01:30:00");
        DynamoDbStreamsSourceSpec spec =
                DynamoDbStreamsSourceSpec.ofTable(
                                local.tableSpec(table), InitialPosition.TRIM_HORIZON)
                        .withIntervals(Duration.ofMillis(200), Duration.ofMillis(500));

        // The table name resolves to the table's latest (and only) stream.
        String arn = DynamoDbStreamsSources.resolveStreamArn(spec);
        assertThat(arn)
                .isEqualTo(ddb.describeTable(b -> b.tableName(table)).table().latestStreamArn())
                .isEqualTo(
                        local.streamsClient()
                                .listStreams(b -> b.tableName(table))
                                .streams()
                                .get(0)
                                .streamArn());
        StreamDescription stream =
                local.streamsClient().describeStream(b -> b.streamArn(arn)).streamDescription();
        assertThat(stream.shards()).hasSize(1);
        String shardId = stream.shards().get(0).shardId();

        StreamExecutionEnvironment env = env(null);
        DataStream<RawEvent> events =
                DynamoDbStreamsSources.attach(env, spec, UID, "taxi_ridership stream");
        assertThat(events.getType()).isEqualTo(TypeInformation.of(RawEvent.class));
        List<RawEvent> received = new ArrayList<>();
        try (CloseableIterator<RawEvent> it = probed(events).collectAsync()) {
            JobClient job = env.executeAsync("ddb-streams-trim-horizon");
            try {
                received.addAll(take(it, 5));
                // The REMOVE came before t4 in the shard, so it has been counted by now.
                Map<String, Metric> removes =
                        METRICS.findMetrics(
                                job.getJobID(), StreamRecordDeserializer.REMOVE_EVENTS_METRIC);
                assertThat(removes).hasSize(1);
                Map.Entry<String, Metric> remove = removes.entrySet().iterator().next();
                assertThat(remove.getKey()).contains(shardId);
                assertThat(((Counter) remove.getValue()).getCount()).isEqualTo(1);
                // Checkpoints include the consumer's Kryo-serialized shard state: they must
                // complete with generic types disabled.
                awaitCheckpoints(2);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }

        List<JsonNode> items = new ArrayList<>();
        for (RawEvent event : received) {
            items.add(JSON.readTree(event.payload()));
        }
        assertThat(items)
                .extracting(i -> i.get("transaction_id").textValue())
                .containsExactly("t1", "t2", "t3", "t2", "t4");
        assertThat(items)
                .extracting(i -> i.get(StreamRecordDecoder.EVENT_NAME_FIELD).textValue())
                .containsExactly("INSERT", "INSERT", "INSERT", "MODIFY", "INSERT");
        // Numbers stored as strings stay strings, as in the seed table.
        assertThat(items.get(0).get("ridecount").isTextual()).isTrue();
        assertThat(items)
                .extracting(i -> i.get("ridecount").textValue())
                .containsExactly("10844", "10920", "11001", "10999", "9000");
        assertThat(items.get(0).get("timestamp").textValue()).isEqualTo("2014-07-01 00:00:00");
        for (int i = 0; i < received.size(); i++) {
            String seq = items.get(i).get(StreamRecordDecoder.SEQUENCE_NUMBER_FIELD).textValue();
            assertThat(received.get(i).origin())
                    .isEqualTo("dynamodb:" + table + ":" + shardId + "@" + seq);
            // DynamoDB Local truncates creation times to the minute; only check presence.
            assertThat(items.get(i).get(StreamRecordDecoder.CREATION_TIME_FIELD).isIntegralNumber())
                    .isTrue();
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void latestDeliversOnlyItemsWrittenAfterStart() throws Exception {
        String table = "taxi_ridership_latest";
        createTable(table, StreamViewType.NEW_IMAGE);
        put(table, "before-1", "1", "2014-07-01 00:00:00");
        put(table, "before-2", "2", "2014-07-01 00:30:00");
        // Addressed by ARN this time, to cover that path too.
        String arn = ddb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        DynamoDbStreamsSourceSpec spec =
                DynamoDbStreamsSourceSpec.ofStreamArn(
                                arn, local.tableSpec(table), InitialPosition.LATEST)
                        .withIntervals(Duration.ofMillis(200), Duration.ofMillis(500));

        StreamExecutionEnvironment env = env(null);
        DataStream<RawEvent> events =
                DynamoDbStreamsSources.attach(env, spec, UID, "taxi_ridership_latest stream");
        List<String> ids = new ArrayList<>();
        try (CloseableIterator<RawEvent> it = events.collectAsync()) {
            JobClient job = env.executeAsync("ddb-streams-latest");
            // The consumer takes its LATEST position some time after submission; keep writing
            // until the first write is seen, so the test neither sleeps blindly nor races.
            AtomicBoolean seen = new AtomicBoolean();
            Thread writer =
                    new Thread(
                            () -> {
                                for (int i = 0; !seen.get() && i < 200; i++) {
                                    put(table, "after-" + i, "100", "2014-07-02 00:00:00");
                                    sleepQuietly(250);
                                }
                            });
            try {
                writer.start();
                ids.add(transactionId(take(it, 1).get(0)));
                seen.set(true);
                writer.join(10_000);
                put(table, "after-final", "200", "2014-07-02 01:00:00");
                while (!ids.contains("after-final")) {
                    ids.add(transactionId(take(it, 1).get(0)));
                }
            } finally {
                seen.set(true);
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }

        // One shard, read in order: an earlier item would have arrived before the later ones.
        assertThat(ids).allMatch(id -> id.startsWith("after-"));
        assertThat(ids).doesNotContain("before-1", "before-2").contains("after-final");
    }

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void resumesFromASavepointWithGenericTypesDisabled(@TempDir Path savepoints) throws Exception {
        String table = "taxi_ridership_restore";
        createTable(table, StreamViewType.NEW_AND_OLD_IMAGES);
        put(table, "r1", "1", "2014-07-01 00:00:00");
        put(table, "r2", "2", "2014-07-01 00:30:00");
        DynamoDbStreamsSourceSpec spec =
                DynamoDbStreamsSourceSpec.ofTable(
                                local.tableSpec(table), InitialPosition.TRIM_HORIZON)
                        .withIntervals(Duration.ofMillis(200), Duration.ofMillis(500));

        StreamExecutionEnvironment first = env(null);
        String savepoint;
        try (CloseableIterator<RawEvent> it =
                DynamoDbStreamsSources.attach(first, spec, UID, "restore stream").collectAsync()) {
            JobClient job = first.executeAsync("ddb-streams-before-savepoint");
            assertThat(take(it, 2))
                    .extracting(DynamoDbStreamsSourcesTest::transactionId)
                    .containsExactly("r1", "r2");
            // Writes the consumer's shard positions (Kryo-serialized SequenceNumbers).
            savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(30, TimeUnit.SECONDS);
        }
        put(table, "r3", "3", "2014-07-01 01:00:00");

        // Same uid, TRIM_HORIZON again: only the restored positions keep r1 and r2 out.
        StreamExecutionEnvironment second = env(savepoint);
        // The test's collect sink must not take over the first job's collect sink state (it
        // would resume at that job's result offset): an extra operator in front gives the sink
        // another auto-generated id, and its old state is allowed to stay unclaimed.
        List<String> ids = new ArrayList<>();
        try (CloseableIterator<RawEvent> it =
                DynamoDbStreamsSources.attach(second, spec, UID, "restore stream")
                        .map(event -> event)
                        .returns(TypeInformation.of(RawEvent.class))
                        .uid("pass-through")
                        .collectAsync()) {
            JobClient job = second.executeAsync("ddb-streams-after-savepoint");
            try {
                ids.add(transactionId(take(it, 1).get(0)));
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(ids).containsExactly("r3");
    }

    @Test
    void resolvingATableWithoutAUsableStreamFailsNamingTheTable() {
        String plain = "taxi_ridership_no_stream";
        createTable(plain, null);
        String keysOnly = "taxi_ridership_keys_only";
        createTable(keysOnly, StreamViewType.KEYS_ONLY);

        assertThatThrownBy(
                        () ->
                                DynamoDbStreamsSources.resolveStreamArn(
                                        DynamoDbStreamsSourceSpec.ofTable(
                                                local.tableSpec(plain), null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + plain + "'")
                .hasMessageContaining("no DynamoDB stream enabled");
        assertThatThrownBy(
                        () ->
                                DynamoDbStreamsSources.resolveStreamArn(
                                        DynamoDbStreamsSourceSpec.ofTable(
                                                local.tableSpec(keysOnly), null)))
                .hasMessageContaining("'" + keysOnly + "'")
                .hasMessageContaining("KEYS_ONLY");
        assertThatThrownBy(
                        () ->
                                DynamoDbStreamsSources.resolveStreamArn(
                                        DynamoDbStreamsSourceSpec.ofTable(
                                                local.tableSpec("missing_table"), null)))
                .hasMessageContaining("'missing_table' does not exist");
        // An explicit ARN is taken as given, without any AWS call.
        String arn = "arn:aws:dynamodb:us-east-1:1:table/elsewhere/stream/2024-01-01T00:00:00.000";
        assertThat(
                        DynamoDbStreamsSources.resolveStreamArn(
                                DynamoDbStreamsSourceSpec.ofStreamArn(
                                        arn, local.tableSpec("elsewhere"), null)))
                .isEqualTo(arn);
    }

    /** The job's settings: no Kryo fallback for types, checkpoints every 500 ms, no restarts. */
    private static StreamExecutionEnvironment env(String savepoint) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // A failing checkpoint or source must fail the test, not loop in restarts.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        return env;
    }

    private static DataStream<RawEvent> probed(DataStream<RawEvent> events) {
        return events.map(new CheckpointProbe())
                .returns(TypeInformation.of(RawEvent.class))
                .setParallelism(1);
    }

    private static List<RawEvent> take(CloseableIterator<RawEvent> it, int count) {
        List<RawEvent> out = new ArrayList<>();
        while (out.size() < count) {
            assertThat(it.hasNext()).as("job ended after %s events", out.size()).isTrue();
            out.add(it.next());
        }
        return out;
    }

    private static void awaitCheckpoints(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (CheckpointProbe.COMPLETED.get() < count) {
            assertThat(System.nanoTime()).as("checkpoints completed in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String transactionId(RawEvent event) {
        try {
            return JSON.readTree(event.payload()).get("transaction_id").textValue();
        } catch (Exception e) {
            throw new AssertionError("not an item: " + event.text(), e);
        }
    }

    private static void createTable(String table, StreamViewType view) {
        ddb.createTable(
                b -> {
                    b.tableName(table)
                            .attributeDefinitions(
                                    AttributeDefinition.builder()
                                            .attributeName("transaction_id")
                                            .attributeType(ScalarAttributeType.S)
                                            .build())
                            .keySchema(
                                    KeySchemaElement.builder()
                                            .attributeName("transaction_id")
                                            .keyType(KeyType.HASH)
                                            .build())
                            .billingMode(BillingMode.PAY_PER_REQUEST);
                    if (view != null) {
                        b.streamSpecification(s -> s.streamEnabled(true).streamViewType(view));
                    }
                });
    }

    /** An item shaped like the seed's: the ride count is a string attribute. */
    private static void put(String table, String id, String rideCount, String timestamp) {
        ddb.putItem(
                b ->
                        b.tableName(table)
                                .item(
                                        Map.of(
                                                "transaction_id", AttributeValue.fromS(id),
                                                "ridecount", AttributeValue.fromS(rideCount),
                                                "timestamp", AttributeValue.fromS(timestamp))));
    }

    private static void delete(String table, String id) {
        ddb.deleteItem(
                b -> b.tableName(table).key(Map.of("transaction_id", AttributeValue.fromS(id))));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Passes events through and counts completed checkpoints (one subtask, so one count each). */
    private static final class CheckpointProbe
            implements MapFunction<RawEvent, RawEvent>, CheckpointListener {
        static final AtomicInteger COMPLETED = new AtomicInteger();

        @Override
        public RawEvent map(RawEvent event) {
            return event;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED.incrementAndGet();
        }
    }
}
