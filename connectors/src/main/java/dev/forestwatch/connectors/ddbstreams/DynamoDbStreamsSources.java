package dev.forestwatch.connectors.ddbstreams;

import dev.forestwatch.connectors.raw.RawEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.kinesis.FlinkDynamoDBStreamsConsumer;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Attaches a DynamoDB Streams source to a job, producing the INSERT and MODIFY events of a table as
 * {@link RawEvent}s (see {@link StreamRecordDecoder} for the payload).
 *
 * <p>Today this uses the legacy {@code FlinkDynamoDBStreamsConsumer} from {@code
 * flink-connector-kinesis}, a {@code SourceFunction} (deprecated in Flink 1.20, gone in 2.0). The
 * rest of the project only sees {@link DynamoDbStreamsSourceSpec}, {@link RawEvent} and this class,
 * so moving to the FLIP-27 {@code DynamoDbStreamsSource} later changes this class only. That
 * source's state is not compatible with this one's: give it a new uid and restore with {@code
 * allowNonRestoredState} (it then starts at its initial position).
 *
 * <p>Checkpointed state: the consumer keeps one {@code (StreamShardMetadata, SequenceNumber)} pair
 * per shard in union list state. It builds that serializer itself, with a {@code KryoSerializer}
 * for {@code SequenceNumber}, so the state uses Kryo even with {@code pipeline.generic-types:
 * false} (that switch only guards serializers created from type information) and it needs the Java
 * 17 {@code --add-opens} flags a stock Flink 1.18+ distribution sets. No Kryo registration is
 * needed.
 */
public final class DynamoDbStreamsSources {
    private DynamoDbStreamsSources() {}

    /**
     * The stream to read: {@code spec.streamArn()} as given, or the latest stream of {@code
     * spec.tableName()} looked up with DescribeTable.
     *
     * @throws IllegalArgumentException if the table does not exist, has no stream enabled, or its
     *     stream carries no new images
     */
    public static String resolveStreamArn(DynamoDbStreamsSourceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.streamArn() != null) {
            return spec.streamArn();
        }
        try (DynamoDbClient client = spec.connection().createClient()) {
            return resolveStreamArn(spec, client);
        }
    }

    /** Like {@link #resolveStreamArn(DynamoDbStreamsSourceSpec)} with a caller's client. */
    static String resolveStreamArn(DynamoDbStreamsSourceSpec spec, DynamoDbClient client) {
        if (spec.streamArn() != null) {
            return spec.streamArn();
        }
        String table = spec.tableName();
        TableDescription description;
        try {
            description =
                    client.describeTable(DescribeTableRequest.builder().tableName(table).build())
                            .table();
        } catch (ResourceNotFoundException e) {
            throw new IllegalArgumentException(
                    "DynamoDB table '"
                            + table
                            + "' does not exist (region "
                            + spec.connection().region()
                            + (spec.connection().endpoint() == null
                                    ? ""
                                    : ", endpoint " + spec.connection().endpoint())
                            + ")",
                    e);
        }
        StreamSpecification streams = description.streamSpecification();
        String arn = description.latestStreamArn();
        // A table whose stream was switched off keeps reporting its last stream ARN for a while;
        // reading it would look like a quiet table, so check the switch too.
        if (arn == null
                || streams == null
                || !Boolean.TRUE.equals(streams.streamEnabled())
                || arn.isBlank()) {
            throw new IllegalArgumentException(
                    "DynamoDB table '"
                            + table
                            + "' has no DynamoDB stream enabled; enable Streams with view type"
                            + " NEW_IMAGE or NEW_AND_OLD_IMAGES, or configure streamArn");
        }
        StreamViewType view = streams.streamViewType();
        if (view == StreamViewType.KEYS_ONLY || view == StreamViewType.OLD_IMAGE) {
            // Every record would become a dead letter: fail at start-up instead.
            throw new IllegalArgumentException(
                    "The stream of DynamoDB table '"
                            + table
                            + "' has view type "
                            + view
                            + ", which carries no new item images; use NEW_IMAGE or"
                            + " NEW_AND_OLD_IMAGES");
        }
        return arn;
    }

    /**
     * Adds the source to {@code env} and returns its INSERT and MODIFY events; REMOVEs are skipped
     * and counted (see {@link StreamRecordDeserializer}).
     *
     * <p>The stream ARN is resolved here, on the client that builds the job graph, so that client
     * needs {@code dynamodb:DescribeTable} when the spec names a table. The task managers need
     * {@code dynamodb:DescribeStream}, {@code GetShardIterator}, {@code GetRecords} and {@code
     * ListStreams}. The source has the environment's default parallelism; shards are spread over
     * its subtasks.
     *
     * @param uid the operator uid; keep it stable, the shard positions are stored under it
     * @param name the operator name shown in the web UI and metrics
     */
    @SuppressWarnings("deprecation") // addSource: the legacy consumer is a SourceFunction.
    public static DataStream<RawEvent> attach(
            StreamExecutionEnvironment env,
            DynamoDbStreamsSourceSpec spec,
            String uid,
            String name) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(spec, "spec");
        requireText(uid, "uid");
        requireText(name, "name");
        String streamArn = resolveStreamArn(spec);
        FlinkDynamoDBStreamsConsumer<RawEvent> consumer = createConsumer(spec, streamArn);
        // Explicit type: the consumer's own getProducedType would do too, but the job runs with
        // generic types disabled and must never depend on extraction succeeding.
        return env.addSource(consumer, name, TypeInformation.of(RawEvent.class))
                .uid(uid)
                .name(name);
    }

    /** The consumer for an already resolved stream ARN. */
    static FlinkDynamoDBStreamsConsumer<RawEvent> createConsumer(
            DynamoDbStreamsSourceSpec spec, String streamArn) {
        // Explicit type argument: this constructor takes a raw KinesisDeserializationSchema, so
        // the diamond would infer nothing useful.
        return new FlinkDynamoDBStreamsConsumer<RawEvent>(
                List.of(streamArn),
                new StreamRecordDeserializer(spec.label()),
                consumerProperties(spec));
    }

    /**
     * The legacy consumer's properties: AWS settings from the connection, the typed settings, then
     * the pass-through properties.
     *
     * @throws IllegalArgumentException if a pass-through property contradicts a typed setting
     */
    static Properties consumerProperties(DynamoDbStreamsSourceSpec spec) {
        Properties typed = spec.connection().toAwsProperties();
        typed.setProperty(
                ConsumerConfigConstants.STREAM_INITIAL_POSITION, spec.initialPosition().name());
        typed.setProperty(
                ConsumerConfigConstants.SHARD_GETRECORDS_INTERVAL_MILLIS,
                Long.toString(spec.pollInterval().toMillis()));
        typed.setProperty(
                ConsumerConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS,
                Long.toString(spec.discoveryInterval().toMillis()));
        Properties props = new Properties();
        props.putAll(typed);
        for (Map.Entry<String, String> extra : spec.properties().entrySet()) {
            String typedValue = typed.getProperty(extra.getKey());
            // The same value is tolerated (config files repeat things); a different one would
            // silently win or lose depending on order, so refuse it.
            if (typedValue != null && !typedValue.equals(extra.getValue())) {
                throw new IllegalArgumentException(
                        "properties."
                                + extra.getKey()
                                + " ("
                                + (extra.getKey().contains("secret") ? "****" : extra.getValue())
                                + ") contradicts the typed setting ("
                                + (extra.getKey().contains("secret") ? "****" : typedValue)
                                + "); set it only once");
            }
            props.setProperty(extra.getKey(), extra.getValue());
        }
        return props;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
