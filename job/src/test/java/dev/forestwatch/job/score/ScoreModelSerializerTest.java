package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.exactTail;
import static dev.forestwatch.job.score.ScoreTestData.exponential;
import static dev.forestwatch.job.score.ScoreTestData.formatOneBytes;
import static dev.forestwatch.job.score.ScoreTestData.fromBytes;
import static dev.forestwatch.job.score.ScoreTestData.grid;
import static dev.forestwatch.job.score.ScoreTestData.kllOf;
import static dev.forestwatch.job.score.ScoreTestData.kllProbability;
import static dev.forestwatch.job.score.ScoreTestData.modelOf;
import static dev.forestwatch.job.score.ScoreTestData.observeAll;
import static dev.forestwatch.job.score.ScoreTestData.probabilities;
import static dev.forestwatch.job.score.ScoreTestData.sorted;
import static dev.forestwatch.job.score.ScoreTestData.toBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Round trips of {@link ScoreModelSerializer}: bytes, copies, the header checks and reading format
 * 1 (KLL sketch).
 */
class ScoreModelSerializerTest {

    /** Raw scores probed before and after a round trip, covering both tails. */
    private static final double[] PROBES = grid(-1.0, 30.0, 3101);

    /** A model over 20,000 scores plus a window; each test restores its own instance. */
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
    void restoredHistogramAcceptsUpdates() throws IOException {
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
        // Queries do not change the model.
        assertThat(toBytes(original)).isEqualTo(modelBytes);

        // Push very different data through the copy: histogram and window must not be shared.
        for (double v : exponential(5L, 5_000)) {
            copy.addRawScore(100.0 + v);
        }
        observeAll(copy, 2_000L, 50.0, 40.0);
        assertThat(copy.count()).isEqualTo(25_000);
        assertThat(copy.windowMax()).isEqualTo(50.0);
        assertThat(probabilities(original, PROBES)).containsExactly(expected);
        assertThat(toBytes(original)).isEqualTo(modelBytes);

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
        assertThat(in.readInt()).isEqualTo(ScoreModelSerializer.FORMAT_VERSION).isEqualTo(2);
        int histogramLength = in.readInt();
        assertThat(histogramLength).isBetween(1, ScoreModelSerializer.MAX_HISTOGRAM_BYTES);
        byte[] histogram = new byte[histogramLength];
        in.readFully(histogram);
        assertThat(ScoreHistogram.fromBytes(histogram).count()).isEqualTo(20_000);
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
        ScoreModelSerializer serializer = new ScoreModelSerializer();
        for (int version : new int[] {0, 3}) {
            byte[] other = modelBytes.clone();
            ByteBuffer.wrap(other).putInt(0, version);

            assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(other)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("format version " + version)
                    .hasMessageContaining("reads only versions 1 and 2");
            assertThatThrownBy(
                            () ->
                                    serializer.copy(
                                            new DataInputDeserializer(other),
                                            new DataOutputSerializer(64)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("format version " + version);
        }
    }

    @Test
    void corruptLengthsAndDistributionsAreRejected() throws IOException {
        for (int length : new int[] {-5, 0, ScoreModelSerializer.MAX_HISTOGRAM_BYTES + 1}) {
            DataOutputSerializer bad = new DataOutputSerializer(16);
            bad.writeInt(2);
            bad.writeInt(length);
            assertThatThrownBy(() -> fromBytes(bad.getCopyOfBuffer()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("invalid histogram length " + length);
        }

        DataOutputSerializer badHistogram = new DataOutputSerializer(16);
        badHistogram.writeInt(2);
        badHistogram.writeInt(3);
        badHistogram.write(new byte[] {5, 0, 0});
        badHistogram.writeInt(0);
        assertThatThrownBy(() -> fromBytes(badHistogram.getCopyOfBuffer()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Corrupt score histogram");

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
        byte[] histogram = new ScoreModel().histogramBytes();
        int n = ScoreModel.MAX_WINDOW_ENTRIES + 10;
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(ScoreModelSerializer.FORMAT_VERSION);
        out.writeInt(histogram.length);
        out.write(histogram);
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
    void formatOneSketchIsConvertedIntoTheHistogram() throws IOException {
        // A compacted (multi-level) KLL sketch as format 1 stored it, and a window.
        double[] values = exponential(9L, 20_000);
        KllDoublesSketch sketch = kllOf(values);
        assertThat(sketch.getNumRetained()).isLessThan(20_000);
        byte[] v1 = formatOneBytes(sketch, 1_000L, 7.0, 4.0, 2.0);

        ScoreModel restored = fromBytes(v1);
        assertThat(restored.count()).isEqualTo(20_000);
        assertThat(restored.windowSize()).isEqualTo(3);
        assertThat(restored.windowMax()).isEqualTo(7.0);

        // Close to what the sketch gave (the conversion spreads each retained item's weight over
        // its bin), and to the exact tail within the sketch's own rank error (about 1.3%; the
        // sketch compacts randomly, so this part differs from run to run).
        double[] sorted = sorted(values);
        double q99 = restored.quantile(0.99);
        for (double x : PROBES) {
            double p = restored.probability(x);
            double before = kllProbability(sketch, x);
            if (x < q99) {
                assertThat(p).as("p(%s)", x).isCloseTo(before, within(0.01));
                assertThat(p).as("p(%s)", x).isCloseTo(exactTail(sorted, x), within(0.03));
            } else {
                assertThat(Scores.unusualness(p))
                        .as("unusualness(%s)", x)
                        .isCloseTo(
                                Scores.unusualness(before),
                                within(0.15 * Math.max(1.0, Scores.unusualness(before))));
            }
        }

        // Converting is deterministic, written back as format 2, and the model keeps learning.
        assertThat(toBytes(fromBytes(v1))).isEqualTo(toBytes(restored));
        byte[] v2 = toBytes(restored);
        assertThat(ByteBuffer.wrap(v2).getInt(0)).isEqualTo(ScoreModelSerializer.FORMAT_VERSION);
        assertThat(probabilities(fromBytes(v2), PROBES))
                .containsExactly(probabilities(restored, PROBES));
        restored.addRawScore(1.0);
        assertThat(restored.count()).isEqualTo(20_001);
    }

    @Test
    void formatOneValuesAreCopiedAsTheyAre() throws IOException {
        byte[] v1 = formatOneBytes(kllOf(exponential(4L, 1_000)), 5L, 3.0);
        DataOutputSerializer out = new DataOutputSerializer(16);
        new ScoreModelSerializer().copy(new DataInputDeserializer(v1), out);
        assertThat(out.getCopyOfBuffer()).isEqualTo(v1);

        ScoreModel empty = fromBytes(formatOneBytes(kllOf(new double[0]), 0L));
        assertThat(empty.count()).isZero();
        assertThat(empty.quantile(0.5)).isNaN();
        assertThat(toBytes(empty)).isEqualTo(toBytes(new ScoreModel()));
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
