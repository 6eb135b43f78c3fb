package dev.forestwatch.connectors.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class CutoffItemTest {

    @Test
    void isSerializedAsPojoWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(CutoffItem.class);
        assertThat(TypeInformation.of(CutoffItem.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void roundTripsThroughFlinkSerializerIncludingNaN() throws Exception {
        TypeSerializer<CutoffItem> serializer =
                TypeInformation.of(CutoffItem.class).createSerializer(new SerializerConfigImpl());
        CutoffItem item =
                new CutoffItem(
                        "taxi_ridership",
                        "20240108000000",
                        1.5,
                        CutoffItem.METHOD_QUANTILE,
                        0.995,
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        42L,
                        1_704_672_000_000L);

        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(item, out);
        CutoffItem copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        // Record equality compares doubles bitwise (Double.compare), so NaN == NaN here.
        assertThat(copy).isEqualTo(item);
        assertThat(serializer.copy(item)).isEqualTo(item);
    }

    @Test
    void updateTimeIsFourteenDigitUtc() {
        assertThat(CutoffItem.updateTimeOf(0L)).isEqualTo("19700101000000");
        long millis = Instant.parse("2024-03-09T07:05:04.999Z").toEpochMilli();
        assertThat(CutoffItem.updateTimeOf(millis)).isEqualTo("20240309070504");
        assertThat(CutoffItem.epochMillisOf("20240309070504"))
                .isEqualTo(Instant.parse("2024-03-09T07:05:04Z").toEpochMilli());
    }

    @Test
    void meanPlusKSigmaComputesTheSeedRule() {
        CutoffItem item =
                CutoffItem.meanPlusKSigma("taxi_ridership", 1_704_672_000_000L, 3.0, 1.0, 0.1, 500);

        assertThat(item.scoreCutoff()).isEqualTo(1.0 + 3.0 * 0.1);
        assertThat(item.updateTime()).isEqualTo("20240108000000");
        assertThat(item.method()).isEqualTo(CutoffItem.METHOD_MEAN_PLUS_K_SIGMA);
        assertThat(item.hasFiniteCutoff()).isTrue();
        assertThat(CutoffItem.meanPlusKSigma("x", 0L, 3.0, Double.NaN, 1.0, 0).hasFiniteCutoff())
                .isFalse();
    }
}
