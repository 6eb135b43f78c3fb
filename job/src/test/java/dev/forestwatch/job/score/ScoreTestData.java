package dev.forestwatch.job.score;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Deterministic inputs and byte helpers shared by the score tests. */
final class ScoreTestData {

    private ScoreTestData() {}

    /**
     * Draws from the exponential distribution with rate 1, whose tail {@code P(X > x) = e^-x} is
     * known exactly. StrictMath and java.util.Random make the values identical on every JVM.
     */
    static double[] exponential(long seed, int n) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            // 1 - nextDouble() is in (0, 1], so the log is finite.
            values[i] = -StrictMath.log(1.0 - random.nextDouble());
        }
        return values;
    }

    /**
     * Scores shaped like Random Cut Forest output: log-normal around 0.9 (mostly 0.3 to 3), with
     * one in 500 a spike up to 30, and a few exact zeros. Identical on every JVM.
     */
    static double[] forestLike(long seed, int n) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(1000);
            if (kind == 0) {
                values[i] = 0.0;
            } else if (kind <= 2) {
                values[i] = 3.0 + 27.0 * random.nextDouble();
            } else {
                values[i] = 0.9 * StrictMath.exp(0.45 * random.nextGaussian());
            }
        }
        return values;
    }

    /** A model holding {@code values} as raw scores and an empty window. */
    static ScoreModel modelOf(double[] values) {
        ScoreModel model = new ScoreModel();
        for (double v : values) {
            model.addRawScore(v);
        }
        return model;
    }

    /** Adds window entries {@code (start + i, values[i])}. */
    static void observeAll(ScoreModel model, long start, double... values) {
        for (int i = 0; i < values.length; i++) {
            model.observeUnusualness(start + i, values[i]);
        }
    }

    static byte[] toBytes(ScoreModel model) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        new ScoreModelSerializer().serialize(model, out);
        return out.getCopyOfBuffer();
    }

    static ScoreModel fromBytes(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        ScoreModel model = new ScoreModelSerializer().deserialize(in);
        if (in.available() != 0) {
            throw new IOException(in.available() + " bytes left after one score model");
        }
        return model;
    }

    /** Probabilities of {@code model} at every point of {@code xs}. */
    static double[] probabilities(ScoreModel model, double[] xs) {
        double[] p = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            p[i] = model.probability(xs[i]);
        }
        return p;
    }

    /**
     * The probability {@link ScoreModel#probability} aims at below q99, computed exactly: {@code (n
     * * (1 - rank) + 1) / (n + 1)} with {@code rank} the fraction of {@code sorted} that is {@code
     * <= x}.
     */
    static double exactTail(double[] sorted, double x) {
        int n = sorted.length;
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        double rank = (double) lo / n;
        return (n * (1.0 - rank) + 1.0) / (n + 1.0);
    }

    /** A sorted copy. */
    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** A KLL sketch (k = 200, as format 1 used) of {@code values}. */
    static KllDoublesSketch kllOf(double[] values) {
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(200);
        for (double v : values) {
            sketch.update(v);
        }
        return sketch;
    }

    /**
     * The probability that format 1 ({@code ScoreModel} on a KLL sketch) gave, reimplemented here
     * as the reference for converted state.
     */
    static double kllProbability(KllDoublesSketch sketch, double rawScore) {
        long n = sketch.getN();
        if (n < ScoreModel.MIN_HISTORY || Double.isNaN(rawScore)) {
            return 1.0;
        }
        double q99 = sketch.getQuantile(ScoreModel.TAIL_RANK, QuantileSearchCriteria.INCLUSIVE);
        double p;
        if (rawScore < q99) {
            p = kllTail(n, sketch.getRank(rawScore, QuantileSearchCriteria.INCLUSIVE));
        } else {
            double q90 = sketch.getQuantile(ScoreModel.FIT_RANK, QuantileSearchCriteria.INCLUSIVE);
            double anchor = kllTail(n, sketch.getRank(q99, QuantileSearchCriteria.EXCLUSIVE));
            double floor =
                    Math.max(ScoreModel.MIN_SCALE, ScoreModel.MIN_RELATIVE_SCALE * Math.abs(q99));
            double scale = Math.max((q99 - q90) / Math.log(10.0), floor);
            p = anchor * Math.exp(-(rawScore - q99) / scale);
        }
        return Math.min(1.0, Math.max(Double.MIN_NORMAL, p));
    }

    private static double kllTail(long n, double rank) {
        return Math.min(1.0, Math.max(Double.MIN_NORMAL, (n * (1.0 - rank) + 1.0) / (n + 1.0)));
    }

    /**
     * A value in format 1: the KLL sketch's bytes and window entries {@code (start + i,
     * values[i])}, as the previous serializer wrote them.
     */
    static byte[] formatOneBytes(KllDoublesSketch sketch, long start, double... window)
            throws IOException {
        byte[] bytes = sketch.toByteArray();
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(ScoreModelSerializer.KLL_FORMAT_VERSION);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.writeInt(window.length);
        for (int i = 0; i < window.length; i++) {
            out.writeLong(start + i);
            out.writeDouble(window[i]);
        }
        return out.getCopyOfBuffer();
    }

    /** Bit patterns of {@code values}, for bit-for-bit comparisons (NaN-safe, -0.0 != 0.0). */
    static long[] bits(double[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }

    /** {@code n} evenly spaced points from {@code from} to {@code to}, both included. */
    static double[] grid(double from, double to, int n) {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = from + (to - from) * i / (n - 1);
        }
        return xs;
    }
}
