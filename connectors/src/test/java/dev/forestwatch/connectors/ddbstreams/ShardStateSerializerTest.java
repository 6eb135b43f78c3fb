package dev.forestwatch.connectors.ddbstreams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.raw.RawEvent;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.TupleSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.connectors.kinesis.model.SentinelSequenceNumber;
import org.apache.flink.streaming.connectors.kinesis.model.SequenceNumber;
import org.apache.flink.streaming.connectors.kinesis.model.StreamShardMetadata;
import org.apache.flink.streaming.connectors.kinesis.util.KinesisStateUtil;
import org.junit.jupiter.api.Test;

/**
 * Pins how the legacy consumer checkpoints its shard positions, because the job runs with {@code
 * pipeline.generic-types: false}.
 *
 * <p>The consumer builds its state serializer itself and uses a {@link KryoSerializer} for {@link
 * SequenceNumber} directly, bypassing the generic-types switch (which only guards serializers
 * created from {@link GenericTypeInfo}). So the state works with generic types disabled, but it is
 * Kryo, and initialising Kryo needs {@code --add-opens java.base/java.util} on Java 17 (chill's
 * {@code Arrays.asList} serializer). If a connector upgrade moved this to type extraction, the
 * first test would fail here rather than in production.
 */
class ShardStateSerializerTest {

    @Test
    void shardStateUsesKryoEvenWithGenericTypesDisabled() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        ExecutionConfig config = new ExecutionConfig(conf);
        assertThat(config.getSerializerConfig().hasGenericTypesDisabled()).isTrue();

        TupleSerializer<Tuple2<StreamShardMetadata, SequenceNumber>> serializer =
                KinesisStateUtil.createShardsStateSerializer(config);

        assertThat(serializer.getFieldSerializers()[0]).isInstanceOf(PojoSerializer.class);
        assertThat(serializer.getFieldSerializers()[1]).isInstanceOf(KryoSerializer.class);
        StreamShardMetadata shard = new StreamShardMetadata();
        shard.setStreamName(
                "arn:aws:dynamodb:us-east-1:1:table/taxi_ridership/stream/2024-01-01T00:00:00.000");
        shard.setShardId("shardId-00000001795394033602-54e1d5a2");
        for (SequenceNumber position :
                new SequenceNumber[] {
                    new SequenceNumber("000000000000000000001"),
                    SentinelSequenceNumber.SENTINEL_LATEST_SEQUENCE_NUM.get(),
                    SentinelSequenceNumber.SENTINEL_SHARD_ENDING_SEQUENCE_NUM.get()
                }) {
            Tuple2<StreamShardMetadata, SequenceNumber> state = Tuple2.of(shard, position);
            DataOutputSerializer out = new DataOutputSerializer(128);
            serializer.serialize(state, out);
            assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                    .isEqualTo(state);
            assertThat(serializer.copy(state)).isEqualTo(state);
        }
    }

    @Test
    void emittedEventsAreNotGenericTypes() {
        assertThat(TypeInformation.of(RawEvent.class)).isNotInstanceOf(GenericTypeInfo.class);
    }
}
