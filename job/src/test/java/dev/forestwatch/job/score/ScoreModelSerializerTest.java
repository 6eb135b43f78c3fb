package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.exponential;
import static dev.forestwatch.job.score.ScoreTestData.fromBytes;
import static dev.forestwatch.job.score.ScoreTestData.grid;
import static dev.forestwatch.job.score.ScoreTestData.modelOf;
import static dev.forestwatch.job.score.ScoreTestData.observeAll;
import static dev.forestwatch.job.score.ScoreTestData.probabilities;
import static dev.forestwatch.job.score.ScoreTestData.toBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Round trips of {@link ScoreModelSerializer}: bytes, copies and the header checks. */
class ScoreModelSerializerTest {

    /** Raw scores probed before and after a round trip, covering both tails. */
    private static final double[] PROBES = grid(-1.0, 30.0, 3101);

    /** A compacted (multi-level) sketch plus a window; each test restores its own instance. */
    private static byte[] modelBytes;

    @BeforeAll
    static void buildModel() throws IOException {
        ScoreModel model = modelOf(exponential(9L, 20_000));
        observeAll(model, 1_000L, 7.0, 3.0, 4.0, 0.5, 2.0);
        modelBytes = toBytes(model);
    }

    @Test
    void restoredModelScoresIdentically() throws IOException {
        ScoreModel original = fromBytes(modelBytes);
        ScoreModel restored = fromBytes(toBytes(original));

        assertThat(restored.count()).isEqualTo(original.count()).isEqualTo(20_000);
        assertThat(probabilities(restored, PROBES))
                .containsExactly(probabilities(original, PROBES));
        assertThat(restored.windowMax()).isEqualTo(original.windowMax()).isEqualTo(7.0);
        assertThat(restored.windowSize()).isEqualTo(original.windowSize()).isEqualTo(3);
        assertThat(toBytes(restored)).isEqualTo(toBytes(original));

        // The window keeps expiring the same way.
        original.expireBefore(1_001L);
        restored.expireBefore(1_001L);
        assertThat(restored.windowMax()).isEqualTo(original.windowMax()).isEqualTo(4.0);
    }

    @Test
    void restoredSketchAcceptsUpdates() throws IOException {
        ScoreModel restored = fromBytes(modelBytes);
        restored.addRawScore(1.0);
        restored.addRawScore(2.0);
        assertThat(restored.count()).isEqualTo(20_002);
    }

    @Test
    void bytesAreStableAcrossRoundTrips() throws IOException {
        assertThat(toBytes(fromBytes(modelBytes))).isEqualTo(modelBytes);
    }

    @Test
    void emptyModelRoundTrips() throws IOException {
        ScoreModel restored = fromBytes(toBytes(new ScoreModel()));
        assertThat(restored.count()).isZero();
        assertThat(restored.windowSize()).isZero();
        assertThat(restored.probability(5.0)).isEqualTo(1.0);
        assertThat(new ScoreModelSerializer().createInstance().count()).isZero();
    }

    @Test
    void copyIsIndependentOfTheOriginal() throws IOException {
        ScoreModelSerializer serializer = new ScoreModelSerializer();
        ScoreModel original = fromBytes(modelBytes);
        ScoreModel copy = serializer.copy(original);
        ScoreModel reused = serializer.copy(original, new ScoreModel());
        assertThat(copy).isNotSameAs(original);
        assertThat(reused).isNotSameAs(original).isNotSameAs(copy);
        assertThat(toBytes(copy)).isEqualTo(modelBytes);
        assertThat(toBytes(reused)).isEqualTo(modelBytes);
        double[] expected = probabilities(original, PROBES);
        // Queries sort the sketch's level 0 in place (a flag in the bytes), so take the bytes
        // after querying.
        byte[] queried = toBytes(original);

        // Push very different data through the copy: sketch and window must not be shared.
        for (double v : exponential(5L, 5_000)) {
            copy.addRawScore(100.0 + v);
        }
        observeAll(copy, 2_000L, 50.0, 40.0);
        assertThat(copy.count()).isEqualTo(25_000);
        assertThat(copy.windowMax()).isEqualTo(50.0);
        assertThat(probabilities(original, PROBES)).containsExactly(expected);
        assertThat(toBytes(original)).isEqualTo(queried);

        // And the other way round.
        original.addRawScore(-3.0);
        original.observeUnusualness(3_000L, 99.0);
        original.expireBefore(3_000L);
        assertThat(toBytes(reused)).isEqualTo(modelBytes);
        assertThat(serializer.copy(null)).isNull();
    }

    @Test
    void headerLayout() throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(modelBytes);
        assertThat(in.readInt()).isEqualTo(ScoreModelSerializer.FORMAT_VERSION).isEqualTo(1);
        int sketchLength = in.readInt();
        assertThat(sketchLength).isPositive();
        in.skipBytesToRead(sketchLength);
        assertThat(in.readInt()).isEqualTo(3);
        long[] times = new long[3];
        double[] values = new double[3];
        for (int i = 0; i < 3; i++) {
            times[i] = in.readLong();
            values[i] = in.readDouble();
        }
        assertThat(in.available()).isZero();
        // Oldest first; (1001, 3) was dominated by (1002, 4), and (1003, 0.5) by (1004, 2).
        assertThat(times).containsExactly(1_000L, 1_002L, 1_004L);
        assertThat(values).containsExactly(7.0, 4.0, 2.0);
    }

    @Test
    void serializedCopyKeepsTheBytesAndTheStreamPosition() throws IOException {
        ScoreModelSerializer serializer = new ScoreModelSerializer();
        byte[] small = toBytes(new ScoreModel());
        // Values back to back: copy must consume exactly one value each time.
        DataOutputSerializer source = new DataOutputSerializer(16);
        source.write(modelBytes);
        source.write(small);
        source.write(modelBytes);
        source.writeInt(0xCAFE);

        DataInputDeserializer in = new DataInputDeserializer(source.getCopyOfBuffer());
        DataOutputSerializer out = new DataOutputSerializer(16);
        serializer.copy(in, out);
        serializer.copy(in, out);
        serializer.copy(in, out);
        assertThat(in.readInt()).isEqualTo(0xCAFE);

        byte[] copied = out.getCopyOfBuffer();
        int m = modelBytes.length;
        assertThat(Arrays.copyOfRange(copied, 0, m)).isEqualTo(modelBytes);
        assertThat(Arrays.copyOfRange(copied, m, m + small.length)).isEqualTo(small);
        assertThat(Arrays.copyOfRange(copied, m + small.length, copied.length))
                .isEqualTo(modelBytes);

        DataInputDeserializer copiedIn = new DataInputDeserializer(copied);
        ScoreModel first = serializer.deserialize(copiedIn);
        ScoreModel second = serializer.deserialize(null, copiedIn);
        ScoreModel third = serializer.deserialize(copiedIn);
        assertThat(copiedIn.available()).isZero();
        assertThat(first.count()).isEqualTo(20_000);
        assertThat(second.count()).isZero();
        assertThat(probabilities(third, PROBES))
                .containsExactly(probabilities(fromBytes(modelBytes), PROBES));
    }

    @Test
    void unknownFormatVersionIsRejected() {
        byte[] future = modelBytes.clone();
        ByteBuffer.wrap(future).putInt(0, 2);
        ScoreModelSerializer serializer = new ScoreModelSerializer();

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
    void corruptLengthsAndSketchAreRejected() throws IOException {
        DataOutputSerializer negative = new DataOutputSerializer(16);
        negative.writeInt(1);
        negative.writeInt(-5);
        assertThatThrownBy(() -> fromBytes(negative.getCopyOfBuffer()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid sketch length -5");

        DataOutputSerializer garbage = new DataOutputSerializer(16);
        garbage.writeInt(1);
        garbage.writeInt(8);
        garbage.writeLong(0xFFFFFFFFFFFFFFFFL);
        garbage.writeInt(0);
        assertThatThrownBy(() -> fromBytes(garbage.getCopyOfBuffer()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot decode score sketch");

        byte[] badWindow = toBytes(new ScoreModel());
        ByteBuffer.wrap(badWindow).putInt(badWindow.length - 4, -1);
        assertThatThrownBy(() -> fromBytes(badWindow))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid window size -1");
    }

    @Test
    void oversizedStoredWindowIsTrimmedToTheBound() throws IOException {
        // As if written by a build with a larger bound: the oldest surplus entries are dropped.
        byte[] sketch = new ScoreModel().sketchBytes();
        int n = ScoreModel.MAX_WINDOW_ENTRIES + 10;
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(1);
        out.writeInt(sketch.length);
        out.write(sketch);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeLong(i);
            out.writeDouble(n - i);
        }
        ScoreModel restored = fromBytes(out.getCopyOfBuffer());
        assertThat(restored.windowSize()).isEqualTo(ScoreModel.MAX_WINDOW_ENTRIES);
        assertThat(restored.windowMax()).isEqualTo(n - 10.0);
    }

    @Test
    void nullIsRejectedWithAHint() {
        assertThatThrownBy(
                        () ->
                                new ScoreModelSerializer()
                                        .serialize(null, new DataOutputSerializer(8)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("NullableSerializer");
    }
}
