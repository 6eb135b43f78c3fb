package dev.forestwatch.connectors.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.testutil.KafkaBroker;
import dev.forestwatch.connectors.testutil.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs {@link KafkaSinks} against an in-process broker on a MiniCluster (parallelism 2). */
class KafkaSinksTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void exactlyOnceWritesEachValueOnceKeyedByAJsonField() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String topic = unique("alerts");
        kafka.createTopic(topic, 2);
        int n = 200;
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add("{\"alert_id\":\"a-" + i + "\",\"score\":" + i + ".5}");
        }
        values.add("{\"no_id\":true}");

        StreamExecutionEnvironment env = env(new Configuration());
        env.enableCheckpointing(200);
        env.fromData(values)
                .sinkTo(
                        KafkaSinks.create(
                                KafkaSinkSpec.exactlyOnce(
                                        kafka.bootstrapServers(), topic, unique("eos")),
                                JsonMessageKey.field("alert_id")))
                .name("kafka-sink");
        env.execute("exactly-once sink");

        List<ConsumerRecord<byte[], byte[]>> records =
                kafka.readCommitted(topic, n + 1, Duration.ofSeconds(10));
        assertThat(records).extracting(KafkaSinksTest::value).hasSameElementsAs(values);
        assertThat(records).hasSize(n + 1);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = r.key() == null ? null : new String(r.key(), UTF_8);
            assertThat(key).isEqualTo(JsonMessageKey.field("alert_id").keyOf(value(r)));
        }
        assertThat(records).filteredOn(r -> r.key() == null).hasSize(1);
        // Keys are hashed over the partitions (no null-key stickiness into a single one).
        assertThat(records).extracting(ConsumerRecord::partition).contains(0, 1);
    }

    @Test
    void exactlyOnceSurvivesAFailureWithoutDuplicatesOrLoss() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String topic = unique("failover");
        kafka.createTopic(topic, 2);
        int n = 2000;
        FailOnceAfterCheckpoint.reset();

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = env(conf);
        env.enableCheckpointing(200);
        env.fromSequence(0, n - 1)
                .map(i -> "{\"result_id\":\"r-" + i + "\"}")
                .map(new FailOnceAfterCheckpoint())
                .sinkTo(
                        KafkaSinks.create(
                                KafkaSinkSpec.exactlyOnce(
                                                kafka.bootstrapServers(), topic, unique("eos"))
                                        .withTransactionTimeout(Duration.ofMinutes(1)),
                                JsonMessageKey.field("result_id")));
        env.execute("exactly-once sink with a failure");

        assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
        // Records between the last checkpoint and the failure went through the map twice...
        assertThat(FailOnceAfterCheckpoint.CALLS.get()).isGreaterThan(n);
        List<ConsumerRecord<byte[], byte[]>> records =
                kafka.readCommitted(topic, n, Duration.ofSeconds(10));
        // ...but their first attempt was in an aborted transaction, invisible to read_committed.
        Set<String> distinct = new HashSet<>();
        records.forEach(r -> distinct.add(value(r)));
        assertThat(records).hasSize(n);
        assertThat(distinct).hasSize(n);
        assertThat(records)
                .allSatisfy(
                        r ->
                                assertThat(new String(r.key(), UTF_8))
                                        .isEqualTo(
                                                JsonMessageKey.field("result_id").keyOf(value(r))));
    }

    @Test
    void atLeastOnceWritesWithoutTransactions() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String topic = unique("alo");
        kafka.createTopic(topic, 1);
        List<String> values = List.of("{\"alert_id\":1}", "{\"alert_id\":2}", "[1,2]");

        StreamExecutionEnvironment env = env(new Configuration());
        env.fromData(values)
                .sinkTo(
                        KafkaSinks.create(
                                new KafkaSinkSpec(
                                        kafka.bootstrapServers(),
                                        topic,
                                        DeliveryGuarantee.AT_LEAST_ONCE,
                                        null,
                                        null,
                                        null),
                                JsonMessageKey.field("alert_id")));
        env.execute("at-least-once sink");

        List<ConsumerRecord<byte[], byte[]>> records =
                kafka.readCommitted(topic, 3, Duration.ofSeconds(10));
        assertThat(records).extracting(KafkaSinksTest::value).hasSameElementsAs(values);
        assertThat(records)
                .extracting(r -> r.key() == null ? null : new String(r.key(), UTF_8))
                .containsExactlyInAnyOrder("1", "2", null);
    }

    /**
     * Once a checkpoint completed after the first 300 records of a subtask, throws once; until then
     * it slows down so the checkpoint lands mid-stream, with records before and after it.
     */
    private static final class FailOnceAfterCheckpoint
            implements MapFunction<String, String>, CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger CALLS = new AtomicInteger();
        static final AtomicInteger COMPLETED = new AtomicInteger();
        static final AtomicInteger COMPLETED_AT_THRESHOLD = new AtomicInteger(-1);

        private int seen;

        static void reset() {
            FAILED.set(false);
            CALLS.set(0);
            COMPLETED.set(0);
            COMPLETED_AT_THRESHOLD.set(-1);
        }

        @Override
        public String map(String value) throws Exception {
            CALLS.incrementAndGet();
            seen++;
            if (!FAILED.get() && seen >= 300) {
                COMPLETED_AT_THRESHOLD.compareAndSet(-1, COMPLETED.get());
                if (COMPLETED.get() > COMPLETED_AT_THRESHOLD.get()) {
                    FAILED.set(true);
                    throw new RuntimeException("injected failure after a checkpoint");
                }
                // Not blocking for good: the checkpoint barrier needs this thread between records.
                Thread.sleep(1);
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED.incrementAndGet();
        }
    }

    private static StreamExecutionEnvironment env(Configuration conf) {
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), UTF_8);
    }
}
