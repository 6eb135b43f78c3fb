package dev.forestwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.raw.RawEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The Kafka deserializer passes every record on, whatever its bytes. */
class RawEventKafkaDeserializerTest {
    private final RawEventKafkaDeserializer deserializer = new RawEventKafkaDeserializer();

    @Test
    void keepsBytesAndNamesTheOrigin() throws Exception {
        byte[] garbage = {(byte) 0xC3, (byte) 0x28, 0};
        List<RawEvent> out = new ArrayList<>();

        deserializer.deserialize(new ConsumerRecord<>("metrics", 3, 17L, null, garbage), sink(out));
        deserializer.deserialize(
                new ConsumerRecord<>("metrics", 0, 0L, "k".getBytes(), null), sink(out));

        assertThat(out).hasSize(2);
        assertThat(out.get(0).payload()).isEqualTo(garbage);
        assertThat(out.get(0).origin()).isEqualTo("kafka:metrics-3@17");
        assertThat(out.get(0).csvHeader()).isNull();
        assertThat(out.get(1).payload()).isEmpty();
        assertThat(out.get(1).origin()).isEqualTo("kafka:metrics-0@0");
    }

    @Test
    void producesAPojoType() {
        assertThat(deserializer.getProducedType()).isInstanceOf(PojoTypeInfo.class);
        assertThat(deserializer.getProducedType().getTypeClass()).isEqualTo(RawEvent.class);
    }

    private static Collector<RawEvent> sink(List<RawEvent> out) {
        return new Collector<>() {
            @Override
            public void collect(RawEvent record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
