package dev.forestwatch.job.detect;

import static dev.forestwatch.job.detect.ForestTestData.fromBytes;
import static dev.forestwatch.job.detect.ForestTestData.score;
import static dev.forestwatch.job.detect.ForestTestData.toBytes;
import static dev.forestwatch.job.detect.ForestTestData.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import dev.forestwatch.job.detect.ForestTestData.Scores;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Round trips of {@link ForestSerializer}: bytes, copies and the header checks. */
class ForestSerializerTest {

    private static final int TRAIN = 3000;
    private static final int NEXT = 500;
    private static final double[] DATA = ForestTestData.noisySine(11L, TRAIN + NEXT);

    /** A default-sized forest after {@link #TRAIN} points; each test works on its own copy. */
    private static byte[] trainedBytes;

    @BeforeAll
    static void trainOnce() throws IOException {
        ThresholdedRandomCutForest forest = ForestFactory.create(ForestParams.defaults(), "s-1");
        train(forest, DATA, 0, TRAIN);
        trainedBytes = toBytes(forest);
    }

    @Test
    void restoredForestContinuesBitIdentically() throws IOException {
        ThresholdedRandomCutForest original = ForestFactory.create(ForestParams.defaults(), "s-1");
        train(original, DATA, 0, TRAIN);

        ThresholdedRandomCutForest restored = fromBytes(toBytes(original));

        Scores expected = score(original, DATA, TRAIN, TRAIN + NEXT);
        Scores actual = score(restored, DATA, TRAIN, TRAIN + NEXT);
        assertBitIdentical(actual, expected);
        // The window contains spikes, so the comparison covers non-zero grades too.
        assertThat(expected.maxGrade()).isPositive();
        assertThat(restored.getForest().getTotalUpdates())
                .isEqualTo(original.getForest().getTotalUpdates());
    }

    @Test
    void serializingDoesNotChangeTheForest() throws IOException {
        // toState compacts the point store; scoring must not notice.
        ThresholdedRandomCutForest serialized = fromBytes(trainedBytes);
        ThresholdedRandomCutForest untouched = fromBytes(trainedBytes);
        toBytes(serialized);
        toBytes(serialized);

        assertBitIdentical(
                score(serialized, DATA, TRAIN, TRAIN + NEXT),
                score(untouched, DATA, TRAIN, TRAIN + NEXT));
    }

    @Test
    void bytesAreStableAcrossRoundTrips() throws IOException {
        // Re-encoding a decoded forest gives the same bytes: nothing is lost or re-derived.
        byte[] again = toBytes(fromBytes(trainedBytes));
        assertThat(again).isEqualTo(trainedBytes);
    }

    @Test
    void copyIsDeepAndContinuesBitIdentically() throws IOException {
        ForestSerializer serializer = new ForestSerializer();
        ThresholdedRandomCutForest original = fromBytes(trainedBytes);
        ThresholdedRandomCutForest reference = fromBytes(trainedBytes);

        ThresholdedRandomCutForest copy = serializer.copy(original);
        ThresholdedRandomCutForest diverging = serializer.copy(original, null);
        assertThat(copy).isNotSameAs(original);
        assertThat(diverging).isNotSameAs(original).isNotSameAs(copy);

        // Push a very different series through one copy first: if any array were shared with
        // the original, the original's next scores would move away from the reference.
        double[] other = ForestTestData.noisySine(99L, NEXT);
        for (int i = 0; i < other.length; i++) {
            other[i] = 500.0 - 40.0 * other[i];
        }
        train(diverging, other, 0, other.length);

        Scores expected = score(reference, DATA, TRAIN, TRAIN + NEXT);
        assertBitIdentical(score(original, DATA, TRAIN, TRAIN + NEXT), expected);
        assertBitIdentical(score(copy, DATA, TRAIN, TRAIN + NEXT), expected);
        assertThat(serializer.copy(null)).isNull();
    }

    @Test
    void updatingTheOriginalDoesNotChangeACopy() throws IOException {
        ForestSerializer serializer = new ForestSerializer();
        ThresholdedRandomCutForest original = fromBytes(trainedBytes);
        ThresholdedRandomCutForest copy = serializer.copy(original);

        // The original runs ahead on the same data; the copy must still match a fresh restore.
        train(original, DATA, TRAIN, TRAIN + NEXT);

        assertBitIdentical(
                score(copy, DATA, TRAIN, TRAIN + NEXT),
                score(fromBytes(trainedBytes), DATA, TRAIN, TRAIN + NEXT));
    }

    @Test
    void headerLayout() throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(trainedBytes);
        assertThat(in.readInt()).isEqualTo(ForestSerializer.FORMAT_VERSION).isEqualTo(1);
        assertThat(in.readUTF()).isEqualTo(ForestSerializer.RCF_LIBRARY_VERSION).isEqualTo("4.4.0");
        int length = in.readInt();
        assertThat(length).isPositive().isEqualTo(in.available());
    }

    @Test
    void serializedCopyKeepsTheBytesAndTheStreamPosition() throws IOException {
        ForestSerializer serializer = new ForestSerializer();
        // Two values back to back: copy must consume exactly one value each time.
        DataOutputSerializer source = new DataOutputSerializer(trainedBytes.length * 2 + 16);
        source.write(trainedBytes);
        source.write(trainedBytes);
        source.writeInt(0xCAFE);

        DataInputDeserializer in = new DataInputDeserializer(source.getCopyOfBuffer());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.copy(in, out);
        serializer.copy(in, out);
        assertThat(in.readInt()).isEqualTo(0xCAFE);

        byte[] copied = out.getCopyOfBuffer();
        assertThat(Arrays.copyOfRange(copied, 0, trainedBytes.length)).isEqualTo(trainedBytes);
        assertThat(Arrays.copyOfRange(copied, trainedBytes.length, copied.length))
                .isEqualTo(trainedBytes);

        DataInputDeserializer copiedIn = new DataInputDeserializer(copied);
        ThresholdedRandomCutForest first = serializer.deserialize(copiedIn);
        ThresholdedRandomCutForest second = serializer.deserialize(null, copiedIn);
        assertThat(copiedIn.available()).isZero();
        Scores expected = score(fromBytes(trainedBytes), DATA, TRAIN, TRAIN + 100);
        assertBitIdentical(score(first, DATA, TRAIN, TRAIN + 100), expected);
        assertBitIdentical(score(second, DATA, TRAIN, TRAIN + 100), expected);
    }

    @Test
    void unknownFormatVersionIsRejected() {
        byte[] future = trainedBytes.clone();
        ByteBuffer.wrap(future).putInt(0, 2);
        ForestSerializer serializer = new ForestSerializer();

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
    void corruptLengthAndBodyAreRejected() throws IOException {
        DataOutputSerializer negative = new DataOutputSerializer(32);
        negative.writeInt(1);
        negative.writeUTF("4.4.0");
        negative.writeInt(-5);
        assertThatThrownBy(
                        () ->
                                new ForestSerializer()
                                        .deserialize(
                                                new DataInputDeserializer(
                                                        negative.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid length -5");

        DataOutputSerializer garbage = new DataOutputSerializer(32);
        garbage.writeInt(1);
        garbage.writeUTF("4.4.0");
        garbage.writeInt(4);
        garbage.writeInt(0xFFFFFFFF);
        assertThatThrownBy(
                        () ->
                                new ForestSerializer()
                                        .deserialize(
                                                new DataInputDeserializer(
                                                        garbage.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot decode forest state");
    }

    @Test
    void nullIsRejectedWithAClearMessage() {
        assertThatThrownBy(
                        () -> new ForestSerializer().serialize(null, new DataOutputSerializer(16)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("cannot serialize null");
    }

    @Test
    void serializerContract() throws Exception {
        ForestSerializer serializer = new ForestSerializer();
        assertThat(serializer.isImmutableType()).isFalse();
        assertThat(serializer.getLength()).isEqualTo(-1);
        assertThat(serializer.createInstance()).isNull();
        assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);
        assertThat(serializer).isEqualTo(new ForestSerializer()).isNotEqualTo(null);
        assertThat(serializer.hashCode()).isEqualTo(new ForestSerializer().hashCode());
        assertThat(serializer.snapshotConfiguration()).isInstanceOf(ForestSerializerSnapshot.class);

        // Flink ships serializers inside the job graph with Java serialization.
        // Serialize once so the transient buffer exists; it must not break Java serialization.
        serializer.serialize(fromBytes(trainedBytes), new DataOutputSerializer(64 * 1024));
        ForestSerializer cloned = InstantiationUtil.clone(serializer);
        assertThat(cloned).isEqualTo(serializer);
        assertThat(toBytes(new ForestSerializer().copy(fromBytes(trainedBytes))))
                .isEqualTo(trainedBytes);
    }

    private static void assertBitIdentical(Scores actual, Scores expected) {
        // Double equality in AssertJ arrays is Double.equals, i.e. bit-exact.
        assertThat(actual.rcf()).containsExactly(expected.rcf());
        assertThat(actual.grade()).containsExactly(expected.grade());
    }
}
