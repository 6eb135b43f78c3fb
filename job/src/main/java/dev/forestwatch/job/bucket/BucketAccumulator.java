package dev.forestwatch.job.bucket;

import dev.forestwatch.job.config.Aggregation;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The running summary of one series in one open bucket. A Flink POJO (public fields, no-arg
 * constructor) so it is stored without Kryo. Sketches are kept as bytes and only for the functions
 * that need them: a KLL sketch for medians (exact up to {@link #KLL_K} values, then within about
 * 1.3% rank error) and an HLL sketch for distinct counts (exact in practice for small counts, about
 * 1.6% relative error beyond a few hundred).
 */
public class BucketAccumulator {
    /** KLL accuracy parameter: values kept exactly before compaction starts. */
    public static final int KLL_K = 200;

    /** HLL size parameter (log2 of the number of registers). */
    public static final int HLL_LG_K = 12;

    public long count;
    public double sum;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;
    public byte[] quantiles;
    public byte[] distinct;

    public BucketAccumulator() {}

    /** Adds one event's contribution. */
    public void add(Aggregation aggregation, double value, String distinctValue) {
        count++;
        switch (aggregation) {
            case SUM, MEAN -> sum += value;
            case MIN -> min = Math.min(min, value);
            case MAX -> max = Math.max(max, value);
            case MEDIAN -> {
                KllDoublesSketch sketch =
                        quantiles == null
                                ? KllDoublesSketch.newHeapInstance(KLL_K)
                                : KllDoublesSketch.heapify(Memory.wrap(quantiles));
                sketch.update(value);
                quantiles = sketch.toByteArray();
            }
            case DISTINCT_COUNT -> {
                HllSketch sketch =
                        distinct == null ? new HllSketch(HLL_LG_K) : HllSketch.heapify(distinct);
                sketch.update(distinctValue);
                distinct = sketch.toCompactByteArray();
            }
            case COUNT -> {
                // the count alone is the value
            }
        }
    }

    /** The bucket's value for the function; an empty bucket has count 0 (and no other value). */
    public double value(Aggregation aggregation) {
        return switch (aggregation) {
            case COUNT -> count;
            case SUM -> sum;
            case MEAN -> count == 0 ? 0.0 : sum / count;
            case MIN -> min;
            case MAX -> max;
            case MEDIAN ->
                    quantiles == null
                            ? 0.0
                            : KllDoublesSketch.heapify(Memory.wrap(quantiles)).getQuantile(0.5);
            case DISTINCT_COUNT ->
                    distinct == null ? 0.0 : Math.round(HllSketch.heapify(distinct).getEstimate());
        };
    }
}
