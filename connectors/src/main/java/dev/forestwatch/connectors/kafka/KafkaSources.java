package dev.forestwatch.connectors.kafka;

import dev.forestwatch.connectors.raw.RawEvent;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builds Flink {@link KafkaSource}s from a {@link KafkaSourceSpec}.
 *
 * <p>The sources carry no watermark strategy: the job attaches one with {@code
 * env.fromSource(source, strategy, name)}, and the Kafka source then tracks watermarks per
 * partition. Consumer offsets live in Flink checkpoints; the group's committed offsets are only
 * written for monitoring and for {@link KafkaSourceSpec.StartingOffsets#COMMITTED}.
 */
public final class KafkaSources {
    private KafkaSources() {}

    /** A source of {@link RawEvent}s, one per record, using {@link RawEventKafkaDeserializer}. */
    public static KafkaSource<RawEvent> create(KafkaSourceSpec spec) {
        return create(spec, new RawEventKafkaDeserializer());
    }

    /**
     * A source with a custom deserializer.
     *
     * <p>The deserializer should not throw on bad input (see {@link RawEventKafkaDeserializer}).
     */
    public static <T> KafkaSource<T> create(
            KafkaSourceSpec spec, KafkaRecordDeserializationSchema<T> deserializer) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(deserializer, "deserializer");

        Properties props = new Properties();
        // Skip records of aborted or still open transactions, so that reading the output of an
        // exactly-once producer (such as another Flink job) never sees data that was rolled back.
        // A spec property can still ask for read_uncommitted.
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putAll(spec.properties());
        if (spec.partitionDiscoveryInterval() != null) {
            long millis = spec.partitionDiscoveryInterval().toMillis();
            // The connector treats a non-positive interval as "disabled".
            props.setProperty(
                    KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                    Long.toString(millis > 0 ? millis : -1L));
        }

        KafkaSourceBuilder<T> builder =
                KafkaSource.<T>builder()
                        .setProperties(props)
                        .setBootstrapServers(spec.bootstrapServers())
                        .setStartingOffsets(startingOffsets(spec))
                        .setDeserializer(deserializer);
        if (spec.groupId() != null) {
            builder.setGroupId(spec.groupId());
        }
        if (spec.topics() != null) {
            builder.setTopics(spec.topics());
        } else {
            builder.setTopicPattern(Pattern.compile(spec.topicPattern()));
        }
        if (spec.bounded()) {
            // Resolved once by the enumerator at job start: records produced later are not read.
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    private static OffsetsInitializer startingOffsets(KafkaSourceSpec spec) {
        switch (spec.startingOffsets()) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            case COMMITTED:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case TIMESTAMP:
                return OffsetsInitializer.timestamp(spec.startingTimestampMillis());
            default:
                throw new IllegalArgumentException(
                        "Unsupported startingOffsets " + spec.startingOffsets());
        }
    }
}
