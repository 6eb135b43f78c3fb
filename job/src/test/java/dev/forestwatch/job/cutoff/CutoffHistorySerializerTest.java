package dev.forestwatch.job.cutoff;

import static dev.forestwatch.job.cutoff.CutoffTestData.HOUR;
import static dev.forestwatch.job.cutoff.CutoffTestData.fromBytes;
import static dev.forestwatch.job.cutoff.CutoffTestData.historyOf;
import static dev.forestwatch.job.cutoff.CutoffTestData.scores;
import static dev.forestwatch.job.cutoff.CutoffTestData.toBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Round trips of {@link CutoffHistorySerializer}: bytes, copies and the header checks. */
class CutoffHistorySerializerTest {

    /** Header: version, history, interval, expiredBefore, slot count. */
    private static final int HEADER_BYTES = 4 + 8 + 8 + 8 + 4;

    /** Four slots with compacted sketches, one of them expired; each test restores its own. */
    private static byte[] historyBytes;

    @BeforeAll
    static void buildHistory() throws IOException {
        CutoffHistory h = historyOf(4 * HOUR, HOUR, scores(21, 0, 5 * HOUR, 20_000));
        h.expireBefore(HOUR);
        historyBytes = toBytes(h);
    }

    @Test
    void restoredHistoryHasTheSameStatistics() throws IOException {
        CutoffHistory original = fromBytes(historyBytes);
        CutoffHistory restored = fromBytes(toBytes(original));

        assertThat(restored.count()).isEqualTo(original.count()).isEqualTo(16_000);
        assertThat(restored.mean()).isEqualTo(original.mean());
        assertThat(restored.stddev()).isEqualTo(original.stddev());
        assertThat(restored.slotCount()).isEqualTo(4);
        assertThat(restored.historyMillis()).isEqualTo(4 * HOUR);
        assertThat(restored.intervalMillis()).isEqualTo(HOUR);
        assertThat(restored.expiredBefore()).isEqualTo(HOUR);
        for (int i = 0; i < 4; i++) {
            assertThat(restored.slotIndex(i)).isEqualTo(i + 1);
            assertThat(restored.slotCount(i)).isEqualTo(4_000);
            assertThat(restored.slotMean(i)).isEqualTo(original.slotMean(i));
            assertThat(restored.slotM2(i)).isEqualTo(original.slotM2(i));
            assertThat(restored.slotSketchBytes(i)).isEqualTo(original.slotSketchBytes(i));
        }
        // The extremes are kept exactly by every KLL sketch, whatever it compacted.
        assertThat(restored.quantile(0.0)).isEqualTo(original.quantile(0.0));
        assertThat(restored.quantile(1.0)).isEqualTo(original.quantile(1.0));

        // Expiry and updates keep working the same way.
        original.expireBefore(3 * HOUR);
        restored.expireBefore(3 * HOUR);
        assertThat(restored.mean()).isEqualTo(original.mean());
        assertThat(restored.add(HOUR, 1.0)).isFalse();
        assertThat(restored.add(5 * HOUR, 1.0)).isTrue();
        assertThat(restored.count()).isEqualTo(8_001);
    }

    @Test
    void bytesAreStableAcrossRoundTrips() throws IOException {
        assertThat(toBytes(fromBytes(historyBytes))).isEqualTo(historyBytes);
    }

    @Test
    void emptyHistoryRoundTrips() throws IOException {
        byte[] bytes = toBytes(new CutoffHistory(7 * 24 * HOUR, HOUR));
        assertThat(bytes).hasSize(HEADER_BYTES);
        CutoffHistory restored = fromBytes(bytes);
        assertThat(restored.count()).isZero();
        assertThat(restored.capacity()).isEqualTo(169);
        assertThat(restored.expiredBefore()).isEqualTo(Long.MIN_VALUE);
        assertThat(new CutoffHistorySerializer().createInstance().count()).isZero();
    }

    @Test
    void copyIsIndependentOfTheOriginal() throws IOException {
        CutoffHistorySerializer serializer = new CutoffHistorySerializer();
        CutoffHistory original = fromBytes(historyBytes);
        CutoffHistory copy = serializer.copy(original);
        CutoffHistory reused = serializer.copy(original, new CutoffHistory(HOUR, HOUR));
        assertThat(copy).isNotSameAs(original);
        assertThat(reused).isNotSameAs(original).isNotSameAs(copy);
        assertThat(toBytes(copy)).isEqualTo(historyBytes);
        assertThat(toBytes(reused)).isEqualTo(historyBytes);

        // Push very different data through the copy: slots and sketches must not be shared.
        for (int i = 0; i < 5_000; i++) {
            copy.add(4 * HOUR + i, 100.0 + i);
        }
        copy.expireBefore(3 * HOUR);
        assertThat(toBytes(original)).isEqualTo(historyBytes);

        // And the other way round.
        original.add(2 * HOUR, -3.0);
        original.expireBefore(5 * HOUR);
        assertThat(toBytes(reused)).isEqualTo(historyBytes);
        assertThat(serializer.copy(null)).isNull();
    }

    @Test
    void headerLayout() throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(historyBytes);
        assertThat(in.readInt()).isEqualTo(CutoffHistorySerializer.FORMAT_VERSION).isEqualTo(1);
        assertThat(in.readLong()).isEqualTo(4 * HOUR);
        assertThat(in.readLong()).isEqualTo(HOUR);
        assertThat(in.readLong()).isEqualTo(HOUR);
        assertThat(in.readInt()).isEqualTo(4);
        long[] indices = new long[4];
        for (int i = 0; i < 4; i++) {
            indices[i] = in.readLong();
            assertThat(in.readLong()).isEqualTo(4_000);
            assertThat(in.readDouble()).isBetween(0.5, 2.0); // mean
            assertThat(in.readDouble()).isPositive(); // M2
            in.skipBytesToRead(in.readInt());
        }
        assertThat(in.available()).isZero();
        assertThat(indices).containsExactly(1, 2, 3, 4);
    }

    @Test
    void serializedCopyKeepsTheBytesAndTheStreamPosition() throws IOException {
        CutoffHistorySerializer serializer = new CutoffHistorySerializer();
        byte[] small = toBytes(new CutoffHistory(HOUR, HOUR));
        // Values back to back: copy must consume exactly one value each time.
        DataOutputSerializer source = new DataOutputSerializer(16);
        source.write(historyBytes);
        source.write(small);
        source.write(historyBytes);
        source.writeInt(0xCAFE);

        DataInputDeserializer in = new DataInputDeserializer(source.getCopyOfBuffer());
        DataOutputSerializer out = new DataOutputSerializer(16);
        serializer.copy(in, out);
        serializer.copy(in, out);
        serializer.copy(in, out);
        assertThat(in.readInt()).isEqualTo(0xCAFE);

        byte[] copied = out.getCopyOfBuffer();
        int m = historyBytes.length;
        assertThat(Arrays.copyOfRange(copied, 0, m)).isEqualTo(historyBytes);
        assertThat(Arrays.copyOfRange(copied, m, m + small.length)).isEqualTo(small);
        assertThat(Arrays.copyOfRange(copied, m + small.length, copied.length))
                .isEqualTo(historyBytes);

        DataInputDeserializer copiedIn = new DataInputDeserializer(copied);
        CutoffHistory first = serializer.deserialize(copiedIn);
        CutoffHistory second = serializer.deserialize(null, copiedIn);
        CutoffHistory third = serializer.deserialize(copiedIn);
        assertThat(copiedIn.available()).isZero();
        assertThat(first.count()).isEqualTo(16_000);
        assertThat(second.count()).isZero();
        assertThat(third.mean()).isEqualTo(first.mean());
    }

    @Test
    void unknownFormatVersionIsRejected() {
        byte[] future = historyBytes.clone();
        ByteBuffer.wrap(future).putInt(0, 2);
        CutoffHistorySerializer serializer = new CutoffHistorySerializer();

        assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(future)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 2")
                .hasMessageContaining("reads only version 1");
        assertThatThrownBy(
                        () ->
                                serializer.copy(
                                        new DataInputDeserializer(future),
                                        new DataOutputSerializer(64)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 2");
    }

    @Test
    void corruptHeadersAreRejected() {
        byte[] zeroInterval = historyBytes.clone();
        ByteBuffer.wrap(zeroInterval).putLong(12, 0L);
        assertThatThrownBy(() -> fromBytes(zeroInterval))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Corrupt cutoff history state")
                .hasMessageContaining("interval must be positive");

        byte[] tooManySlots = historyBytes.clone();
        ByteBuffer.wrap(tooManySlots).putInt(28, 2_000_000); // beyond the sanity bound
        assertThatThrownBy(() -> fromBytes(tooManySlots))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid slot count 2000000");
        assertThatThrownBy(
                        () ->
                                new CutoffHistorySerializer()
                                        .copy(
                                                new DataInputDeserializer(tooManySlots),
                                                new DataOutputSerializer(64)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid slot count 2000000");

        byte[] negativeSlots = historyBytes.clone();
        ByteBuffer.wrap(negativeSlots).putInt(28, -1);
        assertThatThrownBy(() -> fromBytes(negativeSlots))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid slot count -1");
    }

    @Test
    void corruptSlotsAreRejected() throws IOException {
        byte[] sketch = oneScoreSketch();

        // The hand-made encoding itself is valid.
        CutoffHistory valid = fromBytes(slots(slot(3, 1, sketch.length, sketch)));
        assertThat(valid.count()).isOne();
        assertThat(valid.mean()).isEqualTo(2.5);
        assertThat(valid.quantile(0.5)).isEqualTo(2.5);

        assertThatThrownBy(() -> fromBytes(slots(slot(3, 2, sketch.length, sketch))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("slot 3 counts 2 scores but its sketch holds 1");
        assertThatThrownBy(() -> fromBytes(slots(slot(3, 1, -5, new byte[0]))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid sketch length -5");
        byte[] garbage = {-1, -1, -1, -1, -1, -1, -1, -1};
        assertThatThrownBy(() -> fromBytes(slots(slot(3, 1, garbage.length, garbage))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot decode cutoff sketch");
        assertThatThrownBy(
                        () ->
                                fromBytes(
                                        slots(
                                                slot(4, 1, sketch.length, sketch),
                                                slot(4, 1, sketch.length, sketch))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("slot 4 does not follow slot 4");
    }

    @Test
    void nullIsRejectedWithAHint() {
        assertThatThrownBy(
                        () ->
                                new CutoffHistorySerializer()
                                        .serialize(null, new DataOutputSerializer(8)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("NullableSerializer");
    }

    @Test
    void serializersAreInterchangeable() {
        CutoffHistorySerializer serializer = new CutoffHistorySerializer();
        assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);
        assertThat(serializer.duplicate().hashCode()).isEqualTo(serializer.hashCode());
        assertThat(serializer.isImmutableType()).isFalse();
        assertThat(serializer.getLength()).isEqualTo(-1);
    }

    private static byte[] oneScoreSketch() {
        CutoffHistory h = historyOf(HOUR, HOUR, new CutoffTestData.Timed(0, 2.5));
        return h.slotSketchBytes(0);
    }

    private static byte[] slot(long index, long count, int sketchLength, byte[] sketch)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeLong(index);
        out.writeLong(count);
        out.writeDouble(2.5);
        out.writeDouble(0.0);
        out.writeInt(sketchLength);
        out.write(sketch);
        return out.getCopyOfBuffer();
    }

    /** A 4h / 1h history (ring of five) holding the given encoded slots. */
    private static byte[] slots(byte[]... slots) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(1);
        out.writeLong(4 * HOUR);
        out.writeLong(HOUR);
        out.writeLong(Long.MIN_VALUE);
        out.writeInt(slots.length);
        for (byte[] slot : slots) {
            out.write(slot);
        }
        return out.getCopyOfBuffer();
    }
}
