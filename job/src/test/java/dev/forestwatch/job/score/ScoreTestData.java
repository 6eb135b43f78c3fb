package dev.forestwatch.job.score;

import java.io.IOException;
import java.util.Random;
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

    /** {@code n} evenly spaced points from {@code from} to {@code to}, both included. */
    static double[] grid(double from, double to, int n) {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = from + (to - from) * i / (n - 1);
        }
        return xs;
    }
}
