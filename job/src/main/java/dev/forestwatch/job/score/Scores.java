package dev.forestwatch.job.score;

/** Stateless conversions from a tail probability to unusualness and to a 0–100 score. */
public final class Scores {

    private Scores() {}

    /**
     * Unusualness {@code -log10(p)}: 0 for a probability of 1, about 6 for one in a million.
     *
     * <p>Never negative and never infinite: probabilities above 1 count as 1, and zero or negative
     * ones as {@link Double#MIN_NORMAL} (the smallest value {@link ScoreModel#probability}
     * returns). NaN gives 0, so a broken input does not raise an alert.
     */
    public static double unusualness(double p) {
        if (Double.isNaN(p) || p >= 1.0) {
            return 0.0;
        }
        return -Math.log10(Math.max(p, Double.MIN_NORMAL));
    }

    /**
     * Unusualness that scores 100 on the absolute scale (a probability of 1e-8): a graded record
     * whose raw score lies far beyond the detector's history; a record the forest did not grade
     * (unusualness at most 3) scores at most 37.5.
     */
    public static final double FULL_SCALE = 8.0;

    /**
     * Normalized 0–100 score: the smallest of an absolute and a relative part, as Elastic's
     * normalizer takes the smallest of its ceilings.
     *
     * <ul>
     *   <li>absolute: {@code min(1, u / FULL_SCALE)}, the same for every series, so that scores
     *       rank anomalies across series and a weak record cannot reach 100 merely because nothing
     *       stronger has been seen yet;
     *   <li>relative: {@code min(1.5 r, 0.5 + 0.5 r)} with {@code r = u / max(windowMax, floor)}
     *       (Elastic's max-score ceiling): the worst recent anomaly is not capped, a record half as
     *       unusual is capped at 75, and when a stronger anomaly arrives, earlier strong records
     *       are renormalized down. The floor keeps a quiet series (whose window maximum is tiny)
     *       from turning mild noise into high scores.
     * </ul>
     *
     * <p>0 for {@code u <= 0}; never above 100; non-decreasing in {@code u} for a given window
     * maximum.
     */
    public static double normalizedScore(double u, double windowMax, double floor) {
        if (!(u > 0.0)) {
            return 0.0;
        }
        double absolute = u / FULL_SCALE;
        double denominator = Math.max(windowMax, floor);
        if (!(denominator > 0.0)) {
            return 100.0 * Math.min(1.0, absolute);
        }
        double r = u / denominator;
        double relative = Math.min(1.5 * r, 0.5 + 0.5 * r);
        return 100.0 * Math.min(1.0, Math.min(absolute, relative));
    }

    /**
     * The unusualness up to which {@link #normalizedScore} does not depend on the window maximum:
     * at or below it a record scores {@code 100 min(1, u / FULL_SCALE)} whatever the maximum, so a
     * change of the maximum cannot renormalize it. Renormalization uses it to leave such records
     * alone (and to skip the scan entirely when the bound is infinite for the maxima before and
     * after the change).
     *
     * <p>With {@code d = max(windowMax, floor)} and {@code F = FULL_SCALE}: infinite for {@code d
     * <= F} (the relative part is never below the absolute one), {@code F d / (2d - F)} for {@code
     * F < d <= 1.5 F} (where {@code 0.5 + 0.5 u / d} falls below {@code u / F}), and 0 above {@code
     * 1.5 F} (where {@code 1.5 u / d} is below {@code u / F} for every {@code u}).
     */
    public static double windowIndependentUpTo(double windowMax, double floor) {
        double d = Math.max(windowMax, floor);
        if (!(d > FULL_SCALE)) {
            return Double.POSITIVE_INFINITY;
        }
        if (d > 1.5 * FULL_SCALE) {
            return 0.0;
        }
        return FULL_SCALE * d / (2.0 * d - FULL_SCALE);
    }
}
