package dev.forestwatch.connectors.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of a Kafka source, validated on construction.
 *
 * <p>Exactly one of {@code topics} and {@code topicPattern} must be set. A {@code null} {@code
 * startingOffsets} means {@link StartingOffsets#COMMITTED} when there is a {@code groupId} and
 * {@link StartingOffsets#EARLIEST} otherwise, and a {@code null} {@code properties} means none.
 *
 * @param bootstrapServers comma-separated {@code host:port} list
 * @param topics the topics to read, or {@code null} when {@code topicPattern} is used
 * @param topicPattern a Java regular expression matched against topic names, or {@code null}
 * @param groupId the consumer group; offsets are committed to it on each completed checkpoint (for
 *     monitoring and {@link StartingOffsets#COMMITTED}); may be {@code null} unless starting from
 *     committed offsets, in which case nothing is committed
 * @param startingOffsets where a fresh job (not one restored from a checkpoint or savepoint, whose
 *     offsets always win) starts reading
 * @param startingTimestampMillis epoch millis for {@link StartingOffsets#TIMESTAMP}, else ignored
 * @param properties passed verbatim to the Kafka consumer (SASL, TLS, fetch sizes, ...) and to the
 *     Flink Kafka source options; {@code isolation.level} defaults to {@code read_committed}
 * @param bounded stop at the latest offsets present when the job starts (tests and replays)
 * @param partitionDiscoveryInterval how often to look for new partitions and matching topics of an
 *     unbounded source; {@code null} keeps the connector default (5 min), zero disables it
 */
public record KafkaSourceSpec(
        String bootstrapServers,
        List<String> topics,
        String topicPattern,
        String groupId,
        StartingOffsets startingOffsets,
        long startingTimestampMillis,
        Map<String, String> properties,
        boolean bounded,
        Duration partitionDiscoveryInterval)
        implements Serializable {

    /** Where a fresh job starts reading each partition. */
    public enum StartingOffsets {
        /** The oldest retained record. */
        EARLIEST,
        /** Only records produced after the job started. */
        LATEST,
        /**
         * The offsets last committed by {@code groupId}; partitions without a committed offset
         * start at the earliest record, so a brand-new group reads everything instead of silently
         * skipping the backlog.
         */
        COMMITTED,
        /**
         * The first record whose timestamp is at or after {@code startingTimestampMillis};
         * partitions with no such record start at their end.
         */
        TIMESTAMP
    }

    /** Validates and normalises the settings. */
    public KafkaSourceSpec {
        SpecChecks.requireNonBlank(bootstrapServers, "bootstrapServers");
        boolean hasTopics = topics != null && !topics.isEmpty();
        boolean hasPattern = topicPattern != null && !topicPattern.isBlank();
        if (hasTopics == hasPattern) {
            throw new IllegalArgumentException(
                    "Exactly one of topics and topicPattern must be set, got "
                            + (hasTopics ? "both" : "neither"));
        }
        if (hasTopics) {
            for (String topic : topics) {
                SpecChecks.requireNonBlank(topic, "topics[]");
            }
            topics = List.copyOf(topics);
            topicPattern = null;
        } else {
            try {
                Pattern.compile(topicPattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "topicPattern is not a valid regular expression: " + e.getMessage(), e);
            }
            topics = null;
        }
        if (groupId != null && groupId.isBlank()) {
            groupId = null;
        }
        if (startingOffsets == null) {
            // Resume where the group left off when there is a group; otherwise read everything
            // rather than silently skip the backlog.
            startingOffsets =
                    groupId != null ? StartingOffsets.COMMITTED : StartingOffsets.EARLIEST;
        }
        if (startingOffsets == StartingOffsets.COMMITTED && groupId == null) {
            throw new IllegalArgumentException(
                    "groupId is required when startingOffsets is COMMITTED");
        }
        if (startingOffsets == StartingOffsets.TIMESTAMP && startingTimestampMillis < 0) {
            throw new IllegalArgumentException(
                    "startingTimestampMillis must be >= 0 when startingOffsets is TIMESTAMP, got "
                            + startingTimestampMillis);
        }
        if (partitionDiscoveryInterval != null && partitionDiscoveryInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "partitionDiscoveryInterval must not be negative, got "
                            + partitionDiscoveryInterval);
        }
        properties = SpecChecks.copyProperties(properties, "properties");
        SpecChecks.rejectConflict(
                properties, "bootstrap.servers", bootstrapServers, "bootstrapServers");
        if (groupId != null) {
            SpecChecks.rejectConflict(properties, "group.id", groupId, "groupId");
        }
        if (partitionDiscoveryInterval != null
                && properties.containsKey("partition.discovery.interval.ms")) {
            throw new IllegalArgumentException(
                    "properties.partition.discovery.interval.ms contradicts"
                            + " partitionDiscoveryInterval; set only one of them");
        }
    }

    /**
     * An unbounded spec for fixed topics without extra properties, starting from the committed
     * offsets of {@code groupId}, or from the earliest offsets if {@code groupId} is {@code null}.
     */
    public static KafkaSourceSpec ofTopics(
            String bootstrapServers, String groupId, List<String> topics) {
        return new KafkaSourceSpec(
                bootstrapServers, topics, null, groupId, null, 0L, null, false, null);
    }

    /** Like {@link #ofTopics} but subscribing to every topic matching a regular expression. */
    public static KafkaSourceSpec ofPattern(
            String bootstrapServers, String groupId, String topicPattern) {
        return new KafkaSourceSpec(
                bootstrapServers, null, topicPattern, groupId, null, 0L, null, false, null);
    }

    /** A copy with other starting offsets ({@code timestampMillis} only matters for TIMESTAMP). */
    public KafkaSourceSpec withStartingOffsets(StartingOffsets offsets, long timestampMillis) {
        return new KafkaSourceSpec(
                bootstrapServers,
                topics,
                topicPattern,
                groupId,
                offsets,
                timestampMillis,
                properties,
                bounded,
                partitionDiscoveryInterval);
    }

    /** A copy with other starting offsets (not TIMESTAMP). */
    public KafkaSourceSpec withStartingOffsets(StartingOffsets offsets) {
        return withStartingOffsets(offsets, startingTimestampMillis);
    }

    /** A copy that is bounded or not. */
    public KafkaSourceSpec withBounded(boolean isBounded) {
        return new KafkaSourceSpec(
                bootstrapServers,
                topics,
                topicPattern,
                groupId,
                startingOffsets,
                startingTimestampMillis,
                properties,
                isBounded,
                partitionDiscoveryInterval);
    }

    /** A copy with other pass-through consumer properties. */
    public KafkaSourceSpec withProperties(Map<String, String> consumerProperties) {
        return new KafkaSourceSpec(
                bootstrapServers,
                topics,
                topicPattern,
                groupId,
                startingOffsets,
                startingTimestampMillis,
                consumerProperties,
                bounded,
                partitionDiscoveryInterval);
    }

    /** A copy with another partition discovery interval. */
    public KafkaSourceSpec withPartitionDiscoveryInterval(Duration interval) {
        return new KafkaSourceSpec(
                bootstrapServers,
                topics,
                topicPattern,
                groupId,
                startingOffsets,
                startingTimestampMillis,
                properties,
                bounded,
                interval);
    }
}
