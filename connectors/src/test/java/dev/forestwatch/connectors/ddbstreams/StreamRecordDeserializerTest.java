package dev.forestwatch.connectors.ddbstreams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.raw.RawEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

class StreamRecordDeserializerTest {

    private static final String ARN =
            "arn:aws:dynamodb:ddblocal:000000000000:table/taxi_ridership/stream/2026-11-23T00:33:53.537";

    @Test
    void emitsInsertsAndSkipsAndCountsRemoves() throws Exception {
        Map<String, Counter> counters = new HashMap<>();
        // The consumer clones the schema per shard before opening it; so does this test.
        StreamRecordDeserializer deserializer =
                InstantiationUtil.clone(new StreamRecordDeserializer("taxi_ridership"));
        deserializer.open(context(counters));

        RawEvent insert =
                deserializer.deserialize(
                        bytes(
                                "{\"eventName\":\"INSERT\",\"dynamodb\":{\"NewImage\":"
                                        + "{\"ridecount\":{\"S\":\"10844\"}},\"SequenceNumber\":\"1\"}}"),
                        "pk",
                        "1",
                        0L,
                        ARN,
                        "shard-1");
        RawEvent remove =
                deserializer.deserialize(
                        bytes(
                                "{\"eventName\":\"REMOVE\",\"dynamodb\":{\"NewImage\":{},"
                                        + "\"SequenceNumber\":\"2\"}}"),
                        "pk",
                        "2",
                        0L,
                        ARN,
                        "shard-1");
        RawEvent garbage = deserializer.deserialize(bytes("nope"), "pk", "3", 0L, ARN, "shard-1");

        assertThat(insert.text()).contains("\"ridecount\":\"10844\"");
        assertThat(insert.origin()).isEqualTo("dynamodb:taxi_ridership:shard-1@1");
        // null is the legacy consumer's "skip this record, but advance the shard position".
        assertThat(remove).isNull();
        assertThat(garbage.text()).isEqualTo("nope");
        assertThat(garbage.origin()).isEqualTo("dynamodb:taxi_ridership:shard-1@3");
        assertThat(counters).containsOnlyKeys(StreamRecordDeserializer.REMOVE_EVENTS_METRIC);
        assertThat(counters.get(StreamRecordDeserializer.REMOVE_EVENTS_METRIC).getCount())
                .isEqualTo(1);
    }

    @Test
    void worksWithoutOpen() throws Exception {
        StreamRecordDeserializer deserializer = new StreamRecordDeserializer(null);
        assertThat(
                        deserializer.deserialize(
                                bytes("{\"eventName\":\"REMOVE\"}"), null, "9", 0L, ARN, "s"))
                .isNull();
        assertThat(deserializer.decoder().label()).isNull();
    }

    @Test
    void producesRawEvents() {
        assertThat(new StreamRecordDeserializer("t").getProducedType())
                .isEqualTo(TypeInformation.of(RawEvent.class));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static DeserializationSchema.InitializationContext context(
            Map<String, Counter> counters) {
        MetricGroup group =
                new UnregisteredMetricsGroup() {
                    @Override
                    public Counter counter(String name) {
                        return counters.computeIfAbsent(name, n -> new SimpleCounter());
                    }
                };
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return group;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(
                        StreamRecordDeserializerTest.class.getClassLoader());
            }
        };
    }
}
