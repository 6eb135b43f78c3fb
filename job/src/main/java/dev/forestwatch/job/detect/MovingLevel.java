package dev.forestwatch.job.detect;

/**
 * A per-field exponentially weighted moving level of a series, and the spread of the series around
 * its typical value: the cheap typical value of a record whose series has no seasonal reference and
 * whose forest did not flag it ({@code scoring.typical: baseline}), and the model bounds ({@code
 * model_lower}, {@code model_upper}) of every record that has a typical value. A forest forecast
 * per bucket would cost more than the forest's own update (README, "Performance"); this costs a few
 * multiply-adds per field.
 *
 * <p>The state is a {@code double[2d]}: the level of each field, then its spread, the exponentially
 * weighted mean absolute deviation of the values from their baseline (the seasonal reference of
 * their time when the series has one, else the level before the value). The first value starts the
 * level; the second starts the spread (NaN until then). A {@code double[d]} of the earlier format
 * (level only) is read as a level without a spread.
 */
public final class MovingLevel {
    /**
     * Weight of each new value: about the last ten buckets make the level, so it follows a drift
     * within minutes of buckets while one noisy bucket moves it by a tenth.
     */
    public static final double ALPHA = 0.1;

    /** Weight of each new deviation in the spread: about the last twenty buckets. */
    public static final double SPREAD_ALPHA = 0.05;

    /**
     * A deviation counts at most this many spreads, so that one outlier widens the band by a fifth,
     * not tenfold, while a lasting change of the noise still widens it within a few dozen buckets.
     */
    public static final double DEVIATION_CLIP = 4;

    /**
     * Half-width of the band in standard deviations: 1.96 makes it the central 95% interval of a
     * normal distribution, the interval Elastic's model plot shows.
     */
    public static final double BAND_Z = 1.96;

    /** A normal distribution's standard deviation over its mean absolute deviation, √(π/2). */
    public static final double MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);

    private MovingLevel() {}

    /** The level to report as typical, a copy (null before the first value). */
    public static double[] typical(double[] state, int dims) {
        if (state == null || (state.length != dims && state.length != 2 * dims)) {
            return null;
        }
        double[] level = new double[dims];
        System.arraycopy(state, 0, level, 0, dims);
        return level;
    }

    /** Learns a value against the level; returns the state to keep. */
    public static double[] observe(double[] state, double[] value) {
        return observe(state, value, null);
    }

    /**
     * Learns a value; returns the state to keep (a new one for the first value or a dimension
     * change).
     *
     * @param baseline the seasonal reference of the value's time, or null to measure the spread
     *     against the level
     */
    public static double[] observe(double[] state, double[] value, double[] baseline) {
        int d = value.length;
        if (state == null || (state.length != d && state.length != 2 * d)) {
            double[] fresh = new double[2 * d];
            System.arraycopy(value, 0, fresh, 0, d);
            java.util.Arrays.fill(fresh, d, 2 * d, Double.NaN);
            return fresh;
        }
        if (state.length == d) {
            double[] upgraded = new double[2 * d];
            System.arraycopy(state, 0, upgraded, 0, d);
            java.util.Arrays.fill(upgraded, d, 2 * d, Double.NaN);
            state = upgraded;
        }
        for (int i = 0; i < d; i++) {
            double base = baseline != null && baseline.length == d ? baseline[i] : state[i];
            double deviation = Math.abs(value[i] - base);
            double spread = state[d + i];
            if (Double.isNaN(spread)) {
                state[d + i] = deviation;
            } else {
                double clipped =
                        spread > 0 ? Math.min(deviation, DEVIATION_CLIP * spread) : deviation;
                state[d + i] = spread + SPREAD_ALPHA * (clipped - spread);
            }
            state[i] += ALPHA * (value[i] - state[i]);
        }
        return state;
    }

    /**
     * The model bounds around a typical value: {@code {lower, upper}}, each {@code typical ∓ BAND_Z
     * × MAD_TO_SIGMA × spread} per field; null when there is no typical value or no spread yet.
     */
    public static double[][] bounds(double[] state, double[] typical) {
        if (typical == null || state == null || state.length != 2 * typical.length) {
            return null;
        }
        int d = typical.length;
        double[] lower = new double[d];
        double[] upper = new double[d];
        for (int i = 0; i < d; i++) {
            double spread = state[d + i];
            if (Double.isNaN(spread)) {
                return null;
            }
            double half = BAND_Z * MAD_TO_SIGMA * spread;
            lower[i] = typical[i] - half;
            upper[i] = typical[i] + half;
        }
        return new double[][] {lower, upper};
    }
}
