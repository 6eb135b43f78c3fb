package dev.forestwatch.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Prints size and rough timings of a steady-state default forest (50 trees, 256 samples, shingle 4,
 * 5000 points). Only sanity is asserted: timings on shared CI machines are too noisy.
 */
class ForestSerializerMeasureTest {

    private static final int POINTS = 5000;
    private static final int WARMUP = 5;
    private static final int RUNS = 25;

    @Test
    void measureDefaultForest() throws Exception {
        double[] data = ForestTestData.noisySine(1L, POINTS);
        ThresholdedRandomCutForest forest = ForestFactory.create(ForestParams.defaults(), "m");
        long trainStart = System.nanoTime();
        ForestTestData.train(forest, data, 0, POINTS);
        double trainMs = (System.nanoTime() - trainStart) / 1e6;

        ForestSerializer serializer = new ForestSerializer();
        DataOutputSerializer out = new DataOutputSerializer(512 * 1024);
        serializer.serialize(forest, out);
        byte[] bytes = out.getCopyOfBuffer();

        double[] serializeMs = new double[RUNS];
        double[] deserializeMs = new double[RUNS];
        double[] copyMs = new double[RUNS];
        double[] rawCopyMs = new double[RUNS];
        DataOutputSerializer rawTarget = new DataOutputSerializer(bytes.length + 64);
        for (int i = -WARMUP; i < RUNS; i++) {
            out.clear();
            long t0 = System.nanoTime();
            serializer.serialize(forest, out);
            long t1 = System.nanoTime();
            ThresholdedRandomCutForest restored =
                    serializer.deserialize(new DataInputDeserializer(bytes));
            long t2 = System.nanoTime();
            ThresholdedRandomCutForest copy = serializer.copy(forest);
            long t3 = System.nanoTime();
            rawTarget.clear();
            serializer.copy(new DataInputDeserializer(bytes), rawTarget);
            long t4 = System.nanoTime();
            assertThat(restored).isNotNull();
            assertThat(copy).isNotNull();
            if (i >= 0) {
                serializeMs[i] = (t1 - t0) / 1e6;
                deserializeMs[i] = (t2 - t1) / 1e6;
                copyMs[i] = (t3 - t2) / 1e6;
                rawCopyMs[i] = (t4 - t3) / 1e6;
            }
        }

        System.out.printf(
                "[forest-measure] default TRCF (50 trees, 256 samples, shingle 4, %d points):"
                        + " %d bytes (%.1f KiB); training %.0f ms%n",
                POINTS, bytes.length, bytes.length / 1024.0, trainMs);
        System.out.printf(
                "[forest-measure] median of %d runs: serialize %.2f ms, deserialize %.2f ms,"
                        + " copy(T) %.2f ms, copy(in,out) %.3f ms%n",
                RUNS,
                median(serializeMs),
                median(deserializeMs),
                median(copyMs),
                median(rawCopyMs));
        assertThat(bytes.length).isGreaterThan(10_000);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
