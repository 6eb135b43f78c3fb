package dev.forestwatch.connectors.ddbstreams;

import dev.forestwatch.connectors.dynamodb.DynamoDbTableSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of a DynamoDB Streams source, validated on construction.
 *
 * <p>Exactly one of {@code streamArn} and {@code tableName} is set; with a table name the table's
 * latest stream is read (resolved when the job graph is built, see {@link
 * DynamoDbStreamsSources#resolveStreamArn}). {@code null} durations and properties take the
 * defaults below; a {@code null} initial position means {@link InitialPosition#TRIM_HORIZON}, so a
 * fresh job reads the retained 24 hours instead of silently skipping them.
 *
 * @param streamArn the stream ARN ({@code arn:aws:dynamodb:<region>:<account>:table/<table>/
 *     stream/<label>}), or {@code null} when {@code tableName} is used
 * @param tableName the table whose latest stream to read, or {@code null}
 * @param initialPosition where a fresh job (not one restored from a checkpoint or savepoint, whose
 *     shard positions always win) starts in each shard
 * @param connection region, endpoint override and credentials; its own {@code tableName} is only
 *     used by {@link #ofTable}
 * @param pollInterval pause between GetRecords calls per shard ({@value #DEFAULT_POLL_MILLIS} ms
 *     when {@code null}); DynamoDB Streams allows about 5 reads per second per shard in total
 * @param discoveryInterval how often to look for new shards ({@value #DEFAULT_DISCOVERY_MILLIS} ms
 *     when {@code null}); DynamoDB rolls shards over every few hours, so a long interval delays
 *     records of a fresh shard by up to that long
 * @param properties extra consumer properties passed through verbatim (for example {@code
 *     flink.shard.getrecords.maxrecordcount}); keys that the typed settings above or {@code
 *     connection} produce must not contradict them
 */
public record DynamoDbStreamsSourceSpec(
        String streamArn,
        String tableName,
        InitialPosition initialPosition,
        DynamoDbTableSpec connection,
        Duration pollInterval,
        Duration discoveryInterval,
        Map<String, String> properties)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default {@link #pollInterval()} in milliseconds. */
    public static final long DEFAULT_POLL_MILLIS = 1_000L;

    /** Default {@link #discoveryInterval()} in milliseconds. */
    public static final long DEFAULT_DISCOVERY_MILLIS = 10_000L;

    private static final Pattern STREAM_ARN =
            Pattern.compile("^arn:[^:]+:dynamodb:[^:]*:[^:]*:table/([^/]+)/stream/.+$");

    /** Where a fresh job starts reading each shard. */
    public enum InitialPosition {
        /** The oldest retained record (DynamoDB keeps 24 hours). */
        TRIM_HORIZON,
        /** Only records written after the job started. */
        LATEST
    }

    /** Validates and normalises the settings. */
    public DynamoDbStreamsSourceSpec {
        streamArn = blankToNull(streamArn);
        tableName = blankToNull(tableName);
        if ((streamArn == null) == (tableName == null)) {
            throw new IllegalArgumentException(
                    "Exactly one of streamArn and tableName must be set, got "
                            + (streamArn == null ? "neither" : "both"));
        }
        if (streamArn != null && !STREAM_ARN.matcher(streamArn).matches()) {
            throw new IllegalArgumentException(
                    "streamArn must look like arn:aws:dynamodb:<region>:<account>:table/<table>"
                            + "/stream/<label>, got "
                            + streamArn);
        }
        Objects.requireNonNull(connection, "connection is required but was not set");
        if (initialPosition == null) {
            initialPosition = InitialPosition.TRIM_HORIZON;
        }
        pollInterval = positive(pollInterval, DEFAULT_POLL_MILLIS, "pollInterval");
        discoveryInterval =
                positive(discoveryInterval, DEFAULT_DISCOVERY_MILLIS, "discoveryInterval");
        properties = copy(properties);
    }

    /**
     * Reads the latest stream of {@code connection.tableName()} with default intervals and no extra
     * properties.
     */
    public static DynamoDbStreamsSourceSpec ofTable(
            DynamoDbTableSpec connection, InitialPosition initialPosition) {
        return new DynamoDbStreamsSourceSpec(
                null, connection.tableName(), initialPosition, connection, null, null, null);
    }

    /** Reads the stream with this ARN with default intervals and no extra properties. */
    public static DynamoDbStreamsSourceSpec ofStreamArn(
            String streamArn, DynamoDbTableSpec connection, InitialPosition initialPosition) {
        return new DynamoDbStreamsSourceSpec(
                streamArn, null, initialPosition, connection, null, null, null);
    }

    /** A copy with other poll and discovery intervals ({@code null} means the default). */
    public DynamoDbStreamsSourceSpec withIntervals(Duration poll, Duration discovery) {
        return new DynamoDbStreamsSourceSpec(
                streamArn, tableName, initialPosition, connection, poll, discovery, properties);
    }

    /** A copy with another initial position. */
    public DynamoDbStreamsSourceSpec withInitialPosition(InitialPosition position) {
        return new DynamoDbStreamsSourceSpec(
                streamArn,
                tableName,
                position,
                connection,
                pollInterval,
                discoveryInterval,
                properties);
    }

    /** A copy with other pass-through consumer properties. */
    public DynamoDbStreamsSourceSpec withProperties(Map<String, String> consumerProperties) {
        return new DynamoDbStreamsSourceSpec(
                streamArn,
                tableName,
                initialPosition,
                connection,
                pollInterval,
                discoveryInterval,
                consumerProperties);
    }

    /**
     * The name of the stream in origins: the table name, taken from the ARN when the spec names a
     * stream.
     */
    public String label() {
        if (tableName != null) {
            return tableName;
        }
        Matcher m = STREAM_ARN.matcher(streamArn);
        // The constructor guarantees the match.
        return m.matches() ? m.group(1) : streamArn;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Duration positive(Duration value, long defaultMillis, String setting) {
        if (value == null) {
            return Duration.ofMillis(defaultMillis);
        }
        // The consumer works in whole milliseconds; a sub-millisecond value would become 0.
        if (value.toMillis() <= 0) {
            throw new IllegalArgumentException(setting + " must be at least 1 ms, got " + value);
        }
        return value;
    }

    /** An unmodifiable, serializable, order-preserving copy; {@code null} becomes empty. */
    private static Map<String, String> copy(Map<String, String> properties) {
        if (properties == null) {
            return Collections.emptyMap();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        properties.forEach(
                (key, value) -> {
                    if (key == null || value == null) {
                        throw new IllegalArgumentException(
                                "properties must not contain null keys or values (key "
                                        + key
                                        + ")");
                    }
                    copy.put(key, value);
                });
        return Collections.unmodifiableMap(copy);
    }
}
