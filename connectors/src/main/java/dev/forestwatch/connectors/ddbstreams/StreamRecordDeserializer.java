package dev.forestwatch.connectors.ddbstreams;

import dev.forestwatch.connectors.raw.RawEvent;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;

/**
 * The legacy DynamoDB Streams consumer's deserializer: one stream record in, at most one {@link
 * RawEvent} out, decided by {@link StreamRecordDecoder}.
 *
 * <p>REMOVE records yield {@code null}. The legacy consumer treats a {@code null} result as "skip
 * this record": it emits nothing but still advances the shard's sequence number in its checkpoint
 * state (it logs a WARN "Skipping non-deserializable record" for each one, which for REMOVEs is
 * expected). Every skipped REMOVE is counted in the {@value #REMOVE_EVENTS_METRIC} counter. The
 * consumer clones this schema per shard and opens each clone with a per-shard metric group ({@code
 * KinesisConsumer.subtaskId.<n>.shardId.<id>.user}), so the counter exists once per shard and
 * dashboards sum it.
 *
 * <p>Never throws on bad input (see {@link StreamRecordDecoder}): a poison record that made the
 * source fail would be replayed on every restart.
 */
public final class StreamRecordDeserializer implements KinesisDeserializationSchema<RawEvent> {
    private static final long serialVersionUID = 1L;

    /** Name of the counter of skipped REMOVE records. */
    public static final String REMOVE_EVENTS_METRIC = "removeEvents";

    private final StreamRecordDecoder decoder;

    private transient Counter removeEvents;

    /**
     * A deserializer labelling origins with {@code label}.
     *
     * @param label the stream label for origins (usually the table name), or {@code null}
     */
    public StreamRecordDeserializer(String label) {
        this.decoder = new StreamRecordDecoder(label);
    }

    /** The decoder doing the work. */
    public StreamRecordDecoder decoder() {
        return decoder;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        removeEvents = context.getMetricGroup().counter(REMOVE_EVENTS_METRIC);
    }

    /**
     * Decodes one record; returns {@code null} for a REMOVE, which the consumer skips.
     *
     * @param recordValue the SDK v1 {@code Record} as JSON bytes
     * @param partitionKey unused (the Kinesis adapter puts nothing useful there for DynamoDB)
     * @param seqNum the record's sequence number
     * @param approxArrivalTimestamp unused; the record's own creation time is in the payload
     * @param stream the stream ARN
     * @param shardId the shard the record came from
     */
    @Override
    public RawEvent deserialize(
            byte[] recordValue,
            String partitionKey,
            String seqNum,
            long approxArrivalTimestamp,
            String stream,
            String shardId) {
        RawEvent event = decoder.decode(recordValue, shardId, seqNum).orElse(null);
        if (event == null && removeEvents != null) {
            removeEvents.inc();
        }
        return event;
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}
