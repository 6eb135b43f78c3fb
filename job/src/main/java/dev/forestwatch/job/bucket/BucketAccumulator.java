package dev.forestwatch.job.bucket;

import dev.forestwatch.job.config.Aggregation;
import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The running summary of one series in one open bucket. A Flink POJO (public fields, no-arg
 * constructor) so it is stored without Kryo. Per analysed field it keeps what its function needs:
 * sums, minima, maxima, a KLL sketch for medians (exact up to {@link #KLL_K} values, then within
 * about 1.3% rank error) or an HLL sketch for distinct counts (exact in practice for small counts,
 * about 1.6% relative error beyond a few hundred). Per-event detectors keep the events themselves.
 * It also collects the distinct values of each influencer field (at most {@link
 * #MAX_INFLUENCER_VALUES} each).
 */
public class BucketAccumulator {
    /** KLL accuracy parameter: values kept exactly before compaction starts. */
    public static final int KLL_K = 200;

    /** HLL size parameter (log2 of the number of registers). */
    public static final int HLL_LG_K = 12;

    /** Distinct values kept per influencer field and bucket; more are not listed. */
    public static final int MAX_INFLUENCER_VALUES = 16;

    private static final String VALUE_SEP = "\u001e";

    public long count;
    public double[] sum;
    public double[] min;
    public double[] max;
    public byte[][] quantiles;
    public byte[] distinct;

    /** Per influencer field: the distinct values seen, joined with U+001E. */
    public String[] influencerValues;

    /** Per-event detectors: event times, and their values (dimensions per event, flattened). */
    public long[] eventTimes;

    public double[] eventValues;

    public BucketAccumulator() {}

    /** Adds one event's contribution. */
    public void add(
            Aggregation aggregation,
            double[] values,
            String distinctValue,
            String[] influencers,
            long timestamp) {
        count++;
        int dims = values.length;
        switch (aggregation) {
            case SUM, MEAN -> {
                sum = sum == null ? new double[dims] : sum;
                for (int i = 0; i < dims; i++) {
                    sum[i] += values[i];
                }
            }
            case MIN -> {
                if (min == null) {
                    min = new double[dims];
                    Arrays.fill(min, Double.POSITIVE_INFINITY);
                }
                for (int i = 0; i < dims; i++) {
                    min[i] = Math.min(min[i], values[i]);
                }
            }
            case MAX -> {
                if (max == null) {
                    max = new double[dims];
                    Arrays.fill(max, Double.NEGATIVE_INFINITY);
                }
                for (int i = 0; i < dims; i++) {
                    max[i] = Math.max(max[i], values[i]);
                }
            }
            case MEDIAN -> {
                quantiles = quantiles == null ? new byte[dims][] : quantiles;
                for (int i = 0; i < dims; i++) {
                    KllDoublesSketch sketch =
                            quantiles[i] == null
                                    ? KllDoublesSketch.newHeapInstance(KLL_K)
                                    : KllDoublesSketch.heapify(Memory.wrap(quantiles[i]));
                    sketch.update(values[i]);
                    quantiles[i] = sketch.toByteArray();
                }
            }
            case DISTINCT_COUNT -> {
                HllSketch sketch =
                        distinct == null ? new HllSketch(HLL_LG_K) : HllSketch.heapify(distinct);
                sketch.update(distinctValue);
                distinct = sketch.toCompactByteArray();
            }
            case VALUE -> {
                int n = eventTimes == null ? 0 : eventTimes.length;
                eventTimes = eventTimes == null ? new long[1] : Arrays.copyOf(eventTimes, n + 1);
                eventTimes[n] = timestamp;
                eventValues =
                        eventValues == null
                                ? new double[dims]
                                : Arrays.copyOf(eventValues, (n + 1) * dims);
                System.arraycopy(values, 0, eventValues, n * dims, dims);
            }
            case COUNT -> {
                // the count alone is the value
            }
        }
        addInfluencers(influencers);
    }

    private void addInfluencers(String[] influencers) {
        if (influencers == null || influencers.length == 0) {
            return;
        }
        if (influencerValues == null) {
            influencerValues = new String[influencers.length];
        }
        for (int i = 0; i < influencers.length; i++) {
            String v = influencers[i];
            String known = influencerValues[i];
            if (known == null) {
                influencerValues[i] = v;
            } else if (!contains(known, v) && split(known).length < MAX_INFLUENCER_VALUES) {
                influencerValues[i] = known + VALUE_SEP + v;
            }
        }
    }

    private static boolean contains(String joined, String v) {
        for (String s : split(joined)) {
            if (s.equals(v)) {
                return true;
            }
        }
        return false;
    }

    /** The values of one joined influencer entry. */
    public static String[] split(String joined) {
        return joined == null ? new String[0] : joined.split(VALUE_SEP, -1);
    }

    /**
     * The bucket's value per field for the function; an empty bucket has count 0 (and no other
     * value). Not for per-event detectors.
     */
    public double[] value(Aggregation aggregation, int dims) {
        double[] out = new double[dims];
        for (int i = 0; i < dims; i++) {
            out[i] =
                    switch (aggregation) {
                        case COUNT -> count;
                        case SUM -> sum == null ? 0.0 : sum[i];
                        case MEAN -> count == 0 || sum == null ? 0.0 : sum[i] / count;
                        case MIN -> min == null ? 0.0 : min[i];
                        case MAX -> max == null ? 0.0 : max[i];
                        case MEDIAN ->
                                quantiles == null || quantiles[i] == null
                                        ? 0.0
                                        : KllDoublesSketch.heapify(Memory.wrap(quantiles[i]))
                                                .getQuantile(0.5);
                        case DISTINCT_COUNT ->
                                distinct == null
                                        ? 0.0
                                        : Math.round(HllSketch.heapify(distinct).getEstimate());
                        case VALUE ->
                                throw new IllegalStateException(
                                        "per-event detectors have no bucket value");
                    };
        }
        return out;
    }
}
