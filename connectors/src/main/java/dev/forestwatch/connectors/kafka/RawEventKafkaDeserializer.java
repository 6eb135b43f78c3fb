package dev.forestwatch.connectors.kafka;

import dev.forestwatch.connectors.raw.RawEvent;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record into a {@link RawEvent} without looking at its bytes.
 *
 * <p>Parsing happens later in the job, where a bad payload becomes a dead letter; doing it here
 * would mean a poison record either fails the job (and every restart replays it) or is dropped
 * unseen. So this never throws: the value bytes are passed on as they are, a {@code null} value (a
 * tombstone) becomes an empty payload, and the origin is {@code
 * kafka:<topic>-<partition>@<offset>}. Tombstones are counted in the {@value #NULL_VALUES_METRIC}
 * metric because they usually mean a producer misunderstood the topic.
 */
public final class RawEventKafkaDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {
    private static final long serialVersionUID = 1L;

    /** Name of the counter of records whose value was {@code null}. */
    public static final String NULL_VALUES_METRIC = "numNullValueRecords";

    private static final byte[] EMPTY = new byte[0];

    private transient Counter nullValues;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        nullValues = context.getMetricGroup().counter(NULL_VALUES_METRIC);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) {
        byte[] value = record.value();
        if (value == null) {
            value = EMPTY;
            if (nullValues != null) {
                nullValues.inc();
            }
        }
        out.collect(new RawEvent(value, null, origin(record)));
    }

    /** The origin string of a record: {@code kafka:<topic>-<partition>@<offset>}. */
    public static String origin(ConsumerRecord<?, ?> record) {
        return "kafka:" + record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}
