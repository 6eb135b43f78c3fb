package dev.forestwatch.connectors.kafka;

import java.io.Serializable;

/**
 * Computes the Kafka message key of an output value.
 *
 * <p>The key decides the partition (Kafka hashes it), so all messages with the same key stay in
 * order, and compacted topics keep the last message per key. It must be serializable because it
 * ships with the job graph.
 */
@FunctionalInterface
public interface MessageKeyFunction extends Serializable {

    /**
     * The key of {@code value}, or {@code null} for a message without a key (spread over the
     * partitions by the producer).
     */
    String keyOf(String value);
}
