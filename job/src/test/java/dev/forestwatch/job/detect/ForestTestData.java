package dev.forestwatch.job.detect;

import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import java.io.IOException;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Deterministic series and helpers shared by the forest tests. */
final class ForestTestData {

    /** Small forest used where many instances or fast runs matter. */
    static final ForestParams SMALL = new ForestParams(10, 64, 4, 1, 0.0, 7L, 0, 0.01, true, 1.0);

    private static final long START_MILLIS = 1_700_000_000_000L;

    private ForestTestData() {}

    /**
     * {@code 10*sin(2*pi*i/60) + N(0,1)} with a +12 spike every 250 points. StrictMath and
     * java.util.Random make the values identical on every JVM, which the golden test relies on.
     */
    static double[] noisySine(long seed, int n) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            double v = 10.0 * StrictMath.sin(2.0 * StrictMath.PI * i / 60.0);
            v += random.nextGaussian();
            if (i % 250 == 249) {
                v += 12.0;
            }
            values[i] = v;
        }
        return values;
    }

    /** Event time of point {@code i}: one point per minute. */
    static long timestamp(int i) {
        return START_MILLIS + 60_000L * i;
    }

    /** Feeds {@code values[from, to)} and discards the output. */
    static void train(ThresholdedRandomCutForest forest, double[] values, int from, int to) {
        for (int i = from; i < to; i++) {
            forest.process(new double[] {values[i]}, timestamp(i));
        }
    }

    /** Feeds {@code values[from, to)} and records score and grade of every point. */
    static Scores score(ThresholdedRandomCutForest forest, double[] values, int from, int to) {
        double[] rcf = new double[to - from];
        double[] grade = new double[to - from];
        for (int i = from; i < to; i++) {
            AnomalyDescriptor d = forest.process(new double[] {values[i]}, timestamp(i));
            rcf[i - from] = d.getRCFScore();
            grade[i - from] = d.getAnomalyGrade();
        }
        return new Scores(rcf, grade);
    }

    static byte[] toBytes(ThresholdedRandomCutForest forest) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
        new ForestSerializer().serialize(forest, out);
        return out.getCopyOfBuffer();
    }

    static ThresholdedRandomCutForest fromBytes(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        ThresholdedRandomCutForest forest = new ForestSerializer().deserialize(in);
        if (in.available() != 0) {
            throw new IllegalStateException(in.available() + " trailing bytes after the forest");
        }
        return forest;
    }

    /** Per-point outputs of a forest; arrays compare bit-exactly with {@code Arrays.equals}. */
    record Scores(double[] rcf, double[] grade) {

        double maxGrade() {
            double max = 0;
            for (double g : grade) {
                max = Math.max(max, g);
            }
            return max;
        }

        double maxRcf() {
            double max = 0;
            for (double s : rcf) {
                max = Math.max(max, s);
            }
            return max;
        }
    }
}
