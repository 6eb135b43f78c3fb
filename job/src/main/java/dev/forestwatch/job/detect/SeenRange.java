package dev.forestwatch.job.detect;

import dev.forestwatch.job.config.Side;

/**
 * The range of values a series has seen, per field, and how far a new value lies beyond it: the
 * "new extreme" rule. A value that leaves everything the series has ever shown by more than a
 * margin of that range is anomalous whatever the forest thinks of it; a forest judges a point by
 * its neighbours in the sample, and a jump to a level never seen before is, on noisy series, often
 * within the spread the forest has learned to shrug off (Numenta's HTM detector applies the same
 * rule with a 5% margin; README, "Detection quality").
 *
 * <p>The state is a {@code double[2 d]}: the low ends of the {@code d} fields, then the high ends.
 * Each point first relaxes both ends towards each other by {@link #RELAXATION} of the range, then
 * widens the range to include the point, so a single huge outlier does not blind the rule forever:
 * the end it pushed out returns with an e-folding time of 100,000 points (70 days of one-minute
 * buckets), while ordinary values keep the range they really span.
 */
public final class SeenRange {
    /** Fraction of the range by which each end moves inwards per observed point. */
    public static final double RELAXATION = 1e-5;

    private SeenRange() {}

    /** A range holding exactly this first value. */
    public static double[] of(double[] value) {
        double[] range = new double[2 * value.length];
        System.arraycopy(value, 0, range, 0, value.length);
        System.arraycopy(value, 0, range, value.length, value.length);
        return range;
    }

    /**
     * How far {@code value} lies outside the range, as a fraction of the range: the largest over
     * the fields, 0 when inside (or on a field whose range is still a single value), counting only
     * the direction a one-sided detector watches.
     */
    public static double excess(double[] range, double[] value, Side side) {
        if (range == null || range.length != 2 * value.length) {
            return 0;
        }
        int d = value.length;
        double worst = 0;
        for (int i = 0; i < d; i++) {
            double lo = range[i];
            double hi = range[d + i];
            double width = hi - lo;
            if (!(width > 0)) {
                continue;
            }
            double above = side == Side.LOW ? 0 : (value[i] - hi) / width;
            double below = side == Side.HIGH ? 0 : (lo - value[i]) / width;
            worst = Math.max(worst, Math.max(above, below));
        }
        return worst;
    }

    /**
     * Learns a value: relaxes the range, then widens it to include the value. Returns the range to
     * keep (a new one when {@code range} is null or of another dimension).
     */
    public static double[] observe(double[] range, double[] value) {
        int d = value.length;
        if (range == null || range.length != 2 * d) {
            return of(value);
        }
        for (int i = 0; i < d; i++) {
            double shrink = (range[d + i] - range[i]) * RELAXATION;
            range[i] = Math.min(range[i] + shrink, value[i]);
            range[d + i] = Math.max(range[d + i] - shrink, value[i]);
        }
        return range;
    }
}
