package dev.forestwatch.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * Order statistics for benchmark samples: the median of repetitions and latency percentiles.
 *
 * <p>Percentiles use the nearest-rank definition (the smallest sample such that at least p% of the
 * samples are at or below it), so every reported figure is a value that was actually measured, not
 * an interpolation between two.
 */
public final class Percentiles {
    private Percentiles() {}

    /**
     * The nearest-rank percentile of {@code samples}.
     *
     * @param samples at least one finite value, in any order
     * @param p the percentile, in (0, 100]
     */
    public static double of(Collection<? extends Number> samples, double p) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        double[] sorted = samples.stream().mapToDouble(Number::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /**
     * The median; for an even count, the mean of the two middle values (for repetitions, where a
     * symmetric figure is wanted).
     */
    public static double median(Collection<? extends Number> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.stream().mapToDouble(Number::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
