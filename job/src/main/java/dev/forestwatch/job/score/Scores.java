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
     * Normalized score {@code 100 * min(1, u / max(windowMax, floor))}, 0 for {@code u <= 0}.
     *
     * <p>Dividing by the recent maximum makes the worst recent anomaly score 100. The floor keeps a
     * quiet series (whose window maximum is tiny) from turning mild noise into 100s; it should be
     * the unusualness that is worth a full score on its own, e.g. 6 for one in a million.
     */
    public static double normalizedScore(double u, double windowMax, double floor) {
        if (!(u > 0.0)) {
            return 0.0;
        }
        double denominator = Math.max(windowMax, floor);
        if (!(denominator > 0.0)) {
            // No scale at all: any positive unusualness is the most unusual seen.
            return 100.0;
        }
        return 100.0 * Math.min(1.0, u / denominator);
    }
}
