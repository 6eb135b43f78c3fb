package dev.forestwatch.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a string value as UTF-8 to one topic, with a key computed from the value.
 *
 * <p>The partition is left to the producer, which hashes the key, so messages with equal keys go to
 * the same partition in order. The Flink record timestamp (event time) becomes the Kafka timestamp
 * when there is one, so that consumers can start from a point in event time.
 */
public final class KeyedStringSerializationSchema
        implements KafkaRecordSerializationSchema<String> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final MessageKeyFunction keyFunction;

    /**
     * @param topic the target topic
     * @param keyFunction computes the key; {@code null} writes every message without a key
     */
    public KeyedStringSerializationSchema(String topic, MessageKeyFunction keyFunction) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.keyFunction = keyFunction;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            String value, KafkaSinkContext context, Long timestamp) {
        String key = keyFunction == null ? null : keyFunction.keyOf(value);
        return new ProducerRecord<>(
                topic,
                null,
                timestamp == null || timestamp < 0 ? null : timestamp,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }
}
