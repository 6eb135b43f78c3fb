package dev.forestwatch.job.cutoff;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Deterministic inputs, direct reference statistics and byte helpers for the cutoff tests. */
final class CutoffTestData {

    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;

    private CutoffTestData() {}

    /** One score with its event time. */
    record Timed(long timestamp, double score) {}

    /**
     * {@code n} scores like a forest's raw scores (a gamma-ish bulk around 1 plus rare outliers),
     * spread evenly over {@code [from, from + span)}; the same for every seed on every JVM.
     */
    static Timed[] scores(long seed, long from, long span, int n) {
        Random random = new Random(seed);
        Timed[] out = new Timed[n];
        for (int i = 0; i < n; i++) {
            double g = random.nextGaussian();
            double score = 0.8 + 0.05 * g * g + 0.2 * random.nextDouble();
            if (random.nextInt(50) == 0) {
                score += 2.0 + 3.0 * random.nextDouble();
            }
            out[i] = new Timed(from + span * i / n, score);
        }
        return out;
    }

    /** Two-pass mean: the reference the streaming summaries are compared with. */
    static double mean(double[] xs) {
        double sum = 0.0;
        for (double x : xs) {
            sum += x;
        }
        double mean = sum / xs.length;
        // Second pass removes most of the rounding of the plain sum.
        double correction = 0.0;
        for (double x : xs) {
            correction += x - mean;
        }
        return mean + correction / xs.length;
    }

    /** Two-pass sample standard deviation (divisor n - 1), as Spark's {@code stddev}. */
    static double sampleStddev(double[] xs) {
        double mean = mean(xs);
        double ss = 0.0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / (xs.length - 1));
    }

    /** Exact q-quantile with the sketch's inclusive rule: the smallest x with rank(x) >= q. */
    static double exactQuantile(double[] xs, double q) {
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Normalized rank range {@code [scores < x, scores <= x] / n} of {@code x} in {@code xs}. */
    static double[] rankRange(double[] xs, double x) {
        long below = Arrays.stream(xs).filter(v -> v < x).count();
        long atMost = Arrays.stream(xs).filter(v -> v <= x).count();
        return new double[] {(double) below / xs.length, (double) atMost / xs.length};
    }

    /** Distance of {@code q} from the rank range of {@code x}; 0 if {@code x} has rank q. */
    static double rankError(double[] xs, double x, double q) {
        double[] range = rankRange(xs, x);
        return q < range[0] ? range[0] - q : q > range[1] ? q - range[1] : 0.0;
    }

    static byte[] toBytes(CutoffHistory history) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        new CutoffHistorySerializer().serialize(history, out);
        return out.getCopyOfBuffer();
    }

    static CutoffHistory fromBytes(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        CutoffHistory history = new CutoffHistorySerializer().deserialize(in);
        if (in.available() != 0) {
            throw new IOException(in.available() + " bytes left after one cutoff history");
        }
        return history;
    }

    /** A history holding {@code scores}, added in order. */
    static CutoffHistory historyOf(long history, long interval, Timed... scores) {
        CutoffHistory h = new CutoffHistory(history, interval);
        for (Timed t : scores) {
            h.add(t.timestamp(), t.score());
        }
        return h;
    }
}
