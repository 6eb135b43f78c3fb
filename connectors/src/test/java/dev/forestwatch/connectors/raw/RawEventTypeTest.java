package dev.forestwatch.connectors.raw;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class RawEventTypeTest {

    @Test
    void isSerializedAsPojoWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RawEvent.class);
        assertThat(TypeInformation.of(RawEvent.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void roundTripsCsvAndJsonEventsIncludingNullHeader() throws Exception {
        TypeSerializer<RawEvent> serializer =
                TypeInformation.of(RawEvent.class).createSerializer(new SerializerConfigImpl());
        RawEvent csv = RawEvent.csv("1,\"x\"", new String[] {"id", "name"}, "a.csv:2");
        RawEvent json = RawEvent.json("{\"a\":1}", "b.jsonl:1");

        for (RawEvent event : new RawEvent[] {csv, json}) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            serializer.serialize(event, out);
            RawEvent copy =
                    serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(copy.payload()).isEqualTo(event.payload());
            assertThat(copy.csvHeader()).isEqualTo(event.csvHeader());
            assertThat(copy.origin()).isEqualTo(event.origin());
        }
    }
}
