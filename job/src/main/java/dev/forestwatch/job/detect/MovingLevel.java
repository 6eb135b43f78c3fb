package dev.forestwatch.job.detect;

/**
 * A per-field exponentially weighted moving level of a series: the cheap typical value of a record
 * whose series has no seasonal reference and whose forest did not flag it ({@code scoring.typical:
 * baseline}). A forest forecast per bucket would cost more than the forest's own update (README,
 * "Performance"); the level costs a multiply-add per field.
 *
 * <p>The state is a {@code double[d]}, the level of each field; the first value starts it.
 */
public final class MovingLevel {
    /**
     * Weight of each new value: about the last ten buckets make the level, so it follows a drift
     * within minutes of buckets while one noisy bucket moves it by a tenth.
     */
    public static final double ALPHA = 0.1;

    private MovingLevel() {}

    /** The level to report as typical, a copy (null before the first value). */
    public static double[] typical(double[] level, int dims) {
        return level == null || level.length != dims ? null : level.clone();
    }

    /** Learns a value; returns the level to keep (a new one for the first value). */
    public static double[] observe(double[] level, double[] value) {
        if (level == null || level.length != value.length) {
            return value.clone();
        }
        for (int i = 0; i < value.length; i++) {
            level[i] += ALPHA * (value[i] - level[i]);
        }
        return level;
    }
}
