package dev.forestwatch.connectors.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.kafka.KafkaSourceSpec.StartingOffsets;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.connectors.testutil.KafkaBroker;
import dev.forestwatch.connectors.testutil.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs {@link KafkaSources} against an in-process broker on a MiniCluster (parallelism 2). */
class KafkaSourcesTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void deliversEveryRecordWithItsExactBytesAndOrigin() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String topic = unique("raw");
        kafka.createTopic(topic, 2);
        byte[][] partition0 = {
            "{\"host\":\"web-01\",\"v\":1.5}".getBytes(UTF_8),
            {(byte) 0xC3, (byte) 0x28}, // invalid UTF-8
            new byte[0],
        };
        byte[][] partition1 = {
            "{\"host\":\"web-02\"}".getBytes(UTF_8),
            null, // tombstone
            {(byte) 0xFF, (byte) 0xFE, 0, (byte) 0x80},
            "not json at all".getBytes(UTF_8),
        };
        List<String> expected = new ArrayList<>();
        for (byte[] value : partition0) {
            expected.add(
                    describe(kafka.produce(new ProducerRecord<>(topic, 0, null, value)), value));
        }
        for (byte[] value : partition1) {
            expected.add(
                    describe(kafka.produce(new ProducerRecord<>(topic, 1, null, value)), value));
        }

        KafkaSource<RawEvent> source =
                KafkaSources.create(
                        new KafkaSourceSpec(
                                kafka.bootstrapServers(),
                                List.of(topic),
                                null,
                                null,
                                StartingOffsets.EARLIEST,
                                0L,
                                null,
                                true,
                                null));
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);

        List<RawEvent> events = collect(source);

        assertThat(events).extracting(KafkaSourcesTest::describe).hasSameElementsAs(expected);
        assertThat(events).hasSize(expected.size());
        assertThat(events).allSatisfy(e -> assertThat(e.csvHeader()).isNull());
        assertThat(expected)
                .contains(
                        "kafka:" + topic + "-0@1|c328",
                        "kafka:" + topic + "-0@2|",
                        "kafka:" + topic + "-1@1|");
    }

    @Test
    void subscribesToTopicsMatchingAPattern() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String prefix = unique("pat");
        kafka.createTopic(prefix + "-a", 1);
        kafka.createTopic(prefix + "-b", 2);
        kafka.createTopic(unique("other"), 1);
        kafka.produce(prefix + "-a", null, "a".getBytes(UTF_8));
        kafka.produce(prefix + "-b", null, "b".getBytes(UTF_8));

        KafkaSourceSpec spec =
                KafkaSourceSpec.ofPattern(kafka.bootstrapServers(), null, prefix + "-.*")
                        .withStartingOffsets(StartingOffsets.EARLIEST)
                        .withBounded(true);

        assertThat(collect(KafkaSources.create(spec)))
                .extracting(RawEvent::text)
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void startsAtTheFirstRecordAtOrAfterATimestamp() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String topic = unique("ts");
        kafka.createTopic(topic, 2);
        long base = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 10; i++) {
                kafka.produce(
                        new ProducerRecord<>(
                                topic, p, base + i * 1000L, null, (p + ":" + i).getBytes(UTF_8)));
            }
        }

        KafkaSourceSpec spec =
                KafkaSourceSpec.ofTopics(kafka.bootstrapServers(), null, List.of(topic))
                        .withStartingOffsets(StartingOffsets.TIMESTAMP, base + 6500)
                        .withBounded(true);

        assertThat(collect(KafkaSources.create(spec)))
                .extracting(RawEvent::text)
                .containsExactlyInAnyOrder("0:7", "0:8", "0:9", "1:7", "1:8", "1:9");
    }

    @Test
    void committedOffsetsResumeAndFallBackToEarliest() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String topic = unique("committed");
        String group = unique("group");
        kafka.createTopic(topic, 2);
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 4; i++) {
                kafka.produce(new ProducerRecord<>(topic, p, null, (p + ":" + i).getBytes(UTF_8)));
            }
        }
        // Partition 1 has no committed offset, so it must start at the earliest record.
        kafka.commitOffsets(group, Map.of(new TopicPartition(topic, 0), 3L));

        KafkaSourceSpec spec =
                KafkaSourceSpec.ofTopics(kafka.bootstrapServers(), group, List.of(topic))
                        .withBounded(true);
        assertThat(spec.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);

        assertThat(collect(KafkaSources.create(spec)))
                .extracting(RawEvent::text)
                .containsExactlyInAnyOrder("0:3", "1:0", "1:1", "1:2", "1:3");
    }

    @Test
    void latestOnABoundedSourceReadsNothing() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String topic = unique("latest-bounded");
        kafka.createTopic(topic, 2);
        kafka.produce(topic, null, "old".getBytes(UTF_8));

        KafkaSourceSpec spec =
                KafkaSourceSpec.ofTopics(kafka.bootstrapServers(), null, List.of(topic))
                        .withStartingOffsets(StartingOffsets.LATEST)
                        .withBounded(true);

        assertThat(collect(KafkaSources.create(spec))).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void latestOnAnUnboundedSourceSkipsExistingRecords() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        String topic = unique("latest");
        kafka.createTopic(topic, 2);
        for (int i = 0; i < 5; i++) {
            kafka.produce(topic, null, ("old-" + i).getBytes(UTF_8));
        }
        KafkaSourceSpec spec =
                KafkaSourceSpec.ofTopics(kafka.bootstrapServers(), null, List.of(topic))
                        .withStartingOffsets(StartingOffsets.LATEST)
                        .withPartitionDiscoveryInterval(Duration.ZERO);

        // The job is running only once it returns records, so keep producing until it does.
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer =
                new Thread(
                        () -> {
                            for (int i = 0; !stop.get(); i++) {
                                kafka.produce(topic, null, ("new-" + i).getBytes(UTF_8));
                                sleep(50);
                            }
                        });
        List<String> received = new ArrayList<>();
        try (CloseableIterator<RawEvent> it =
                env().fromSource(
                                KafkaSources.create(spec),
                                WatermarkStrategy.noWatermarks(),
                                "kafka")
                        .executeAndCollect()) {
            producer.start();
            while (received.size() < 5 && it.hasNext()) {
                received.add(it.next().text());
            }
        } finally {
            stop.set(true);
            producer.join();
        }

        assertThat(received).hasSize(5).allSatisfy(v -> assertThat(v).startsWith("new-"));
    }

    private static List<RawEvent> collect(KafkaSource<RawEvent> source) throws Exception {
        List<RawEvent> events = new ArrayList<>();
        try (CloseableIterator<RawEvent> it =
                env().fromSource(
                                source,
                                WatermarkStrategy.<RawEvent>forMonotonousTimestamps()
                                        .withIdleness(Duration.ofSeconds(1)),
                                "kafka")
                        .executeAndCollect()) {
            it.forEachRemaining(events::add);
        }
        return events;
    }

    static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        // Any type that would fall back to Kryo (including in the source's state) fails the job.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String describe(RecordMetadata meta, byte[] value) {
        String origin = "kafka:" + meta.topic() + "-" + meta.partition() + "@" + meta.offset();
        return origin + "|" + HexFormat.of().formatHex(value == null ? new byte[0] : value);
    }

    private static String describe(RawEvent event) {
        return event.origin() + "|" + HexFormat.of().formatHex(event.payload());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
