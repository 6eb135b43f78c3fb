package dev.forestwatch.job.result;

import dev.forestwatch.job.score.Scores;

/**
 * The scoring formulas written out independently of {@link Scores#normalizedScore} and {@link
 * RecordNormalizer#probability}, so that tests compare what the operators emit with the documented
 * semantics rather than with the code under test. Only the tuning constants are shared.
 */
final class ExpectedScores {
    /** {@code scoring.normalization_floor} of the test specs. */
    static final double FLOOR = 6.0;

    private ExpectedScores() {}

    /**
     * {@code 100 min(1, u / FULL_SCALE, 1.5 r, 0.5 + 0.5 r)} with {@code r = u / max(windowMax,
     * floor)}; 0 for {@code u <= 0}.
     */
    static double score(double u, double windowMax) {
        if (!(u > 0)) {
            return 0.0;
        }
        double r = u / Math.max(windowMax, FLOOR);
        return 100
                * Math.min(Math.min(1.0, u / Scores.FULL_SCALE), Math.min(1.5 * r, 0.5 + 0.5 * r));
    }

    /** The most an ungraded record can score: its unusualness is at most 3. */
    static double ungradedMaxScore() {
        return 100 * RecordNormalizer.UNGRADED_MAX_UNUSUALNESS / Scores.FULL_SCALE;
    }

    /**
     * Unusualness of a ready record of grade {@code grade > 0}, raw score {@code raw}, confidence
     * {@code confidence}, whose effective score has tail unusualness {@code tail} (undiscounted)
     * against the detector's history: {@code 3 + GRADE_SPAN min(1, g) + RAW_SCORE_TIE r / (1 + r) +
     * TAIL_WEIGHT log10(1 + max(0, t c - 3) / 3)}, times {@code min(1, c / 0.5)}.
     */
    static double graded(double tail, double raw, double grade, double confidence) {
        double t = tail * confidence;
        double u =
                RecordNormalizer.UNGRADED_MAX_UNUSUALNESS
                        + RecordNormalizer.GRADE_SPAN * Math.min(1, grade)
                        + RecordNormalizer.RAW_SCORE_TIE * raw / (1 + raw)
                        + RecordNormalizer.TAIL_WEIGHT
                                * Math.log10(
                                        1
                                                + Math.max(
                                                                0,
                                                                t
                                                                        - RecordNormalizer
                                                                                .UNGRADED_MAX_UNUSUALNESS)
                                                        / RecordNormalizer
                                                                .UNGRADED_MAX_UNUSUALNESS);
        return u * damping(confidence);
    }

    /** Unusualness of a ready ungraded record: {@code min(t c, 3)}, times the damping. */
    static double ungraded(double tail, double confidence) {
        return Math.min(tail * confidence, RecordNormalizer.UNGRADED_MAX_UNUSUALNESS)
                * damping(confidence);
    }

    /** Young-forest damping {@code min(1, c / 0.5)}. */
    static double damping(double confidence) {
        return Math.min(1, confidence / RecordNormalizer.YOUNG_CONFIDENCE);
    }
}
