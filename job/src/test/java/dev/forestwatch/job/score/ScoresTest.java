package dev.forestwatch.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** {@link Scores#unusualness} and {@link Scores#normalizedScore}. */
class ScoresTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void unusualnessIsMinusLog10() {
        assertThat(Scores.unusualness(1.0)).isZero();
        assertThat(Scores.unusualness(0.1)).isCloseTo(1.0, within(TOLERANCE));
        assertThat(Scores.unusualness(1e-6)).isCloseTo(6.0, within(TOLERANCE));
    }

    @Test
    void unusualnessIsNeverNegativeNorInfinite() {
        assertThat(Scores.unusualness(1.5)).isZero();
        assertThat(Scores.unusualness(Double.NaN)).isZero();
        double cap = -Math.log10(Double.MIN_NORMAL);
        assertThat(Scores.unusualness(0.0)).isEqualTo(cap);
        assertThat(Scores.unusualness(-1.0)).isEqualTo(cap);
        assertThat(Scores.unusualness(Double.MIN_NORMAL)).isEqualTo(cap).isLessThan(308.0);
    }

    @Test
    void normalizedScoreIsZeroForNoUnusualness() {
        assertThat(Scores.normalizedScore(0.0, 10.0, 1.0)).isZero();
        assertThat(Scores.normalizedScore(-2.0, 10.0, 1.0)).isZero();
        assertThat(Scores.normalizedScore(Double.NaN, 10.0, 1.0)).isZero();
    }

    /** Unusualness values of every magnitude, and the window maxima and floors to try. */
    private static final double[] US = {
        1e-9, 0.01, 0.3, 1, 2.5, 3, 4, 5, 6, 7.5, 8, 9, 10, 12, 15, 20, 50, 100, 307.6, 1e6
    };

    private static final double[] MAXIMA = {0, 0.5, 3, 6, 8, 10, 12, 20, 40, 307.6};

    @Test
    void normalizedScoreIsTheAbsoluteScaleWhenTheWindowMaximumIsAtOrBelowIt() {
        double fs = Scores.FULL_SCALE;
        // the record is the window's maximum (or above it): r >= 1, only u / FULL_SCALE counts
        for (double u : US) {
            double expected = 100 * Math.min(1, u / fs);
            assertThat(Scores.normalizedScore(u, u, 1.0))
                    .as("u %s", u)
                    .isCloseTo(expected, within(1e-9));
            assertThat(Scores.normalizedScore(u, u / 2, 1e-3))
                    .as("u %s", u)
                    .isCloseTo(expected, within(1e-9));
        }
        assertThat(Scores.normalizedScore(fs / 4, fs / 4, 0.1)).isCloseTo(25.0, within(TOLERANCE));
        assertThat(Scores.normalizedScore(fs / 2, fs / 2, 0.1)).isCloseTo(50.0, within(TOLERANCE));
        assertThat(Scores.normalizedScore(0.75 * fs, 0.75 * fs, 0.1))
                .isCloseTo(75.0, within(TOLERANCE));
        assertThat(Scores.normalizedScore(fs, fs, 1.0)).isEqualTo(100.0);
        assertThat(Scores.normalizedScore(4 * fs, fs, 1.0)).isEqualTo(100.0);
        // an ungraded record (u at most 3) is at most 100 * 3 / FULL_SCALE, wherever the window
        for (double max : MAXIMA) {
            assertThat(Scores.normalizedScore(3, max, 6)).isLessThanOrEqualTo(100 * 3 / fs);
        }
    }

    @Test
    void scoresUpToTheWindowIndependenceBoundDoNotDependOnTheMaximum() {
        double fs = Scores.FULL_SCALE;
        assertThat(Scores.windowIndependentUpTo(0, 6)).isInfinite();
        assertThat(Scores.windowIndependentUpTo(fs, 6)).isInfinite();
        assertThat(Scores.windowIndependentUpTo(10, 6)).isCloseTo(40.0 / 6, within(1e-12));
        assertThat(Scores.windowIndependentUpTo(1.5 * fs, 6)).isCloseTo(6.0, within(1e-12));
        assertThat(Scores.windowIndependentUpTo(1.5 * fs + 1e-9, 6)).isZero();
        assertThat(Scores.windowIndependentUpTo(2, 20)).isZero(); // the floor is the maximum
        double[] maxima = {0, 1, 3, 6, 7.9, 8, 8.1, 9, 10, 11, 11.9, 12, 12.1, 15, 40, 307.6};
        for (double max : maxima) {
            double bound = Scores.windowIndependentUpTo(max, 6);
            for (int i = 1; i <= 4000; i++) {
                double u = i * 0.01;
                double absolute = 100 * Math.min(1, u / fs);
                double score = Scores.normalizedScore(u, max, 6);
                if (u <= bound) {
                    // below the bound the maximum does not matter: the absolute scale alone
                    assertThat(score).as("max %s, u %s", max, u).isCloseTo(absolute, within(1e-9));
                } else if (u > bound + 1e-6 && u < Math.max(max, 6)) {
                    // above it (and below the maximum itself, which scores 100 either way) the
                    // maximum lowers the score: the bound is the smallest one
                    assertThat(score).as("max %s, u %s", max, u).isLessThan(absolute);
                }
            }
        }
    }

    @Test
    void theRelativeCapBindsWhenAStrongerRecordIsInTheWindow() {
        double fs = Scores.FULL_SCALE;
        // 0.5 + 0.5 r binds for r >= 1/2 when the absolute part is full
        double u = 2 * fs;
        assertThat(Scores.normalizedScore(u, 1.25 * u, 6)).isCloseTo(90.0, within(1e-9));
        assertThat(Scores.normalizedScore(u, 2 * u, 6)).isCloseTo(75.0, within(1e-9));
        assertThat(Scores.normalizedScore(u, 1.6 * u, 6))
                .isCloseTo(100 * (0.5 + 0.5 / 1.6), within(1e-9));
        // 1.5 r binds below r = 1/2
        assertThat(Scores.normalizedScore(u, 4 * u, 6)).isCloseTo(37.5, within(1e-9));
        assertThat(Scores.normalizedScore(u, 10 * u, 6)).isCloseTo(15.0, within(1e-9));
        // a weak record is not capped by a somewhat stronger one (its absolute part is lower)...
        assertThat(Scores.normalizedScore(0.1 * fs, 1.2 * fs, 6)).isCloseTo(10.0, within(1e-9));
        // ...but is by a window maximum above 1.5 FULL_SCALE, through 1.5 r
        assertThat(Scores.normalizedScore(0.1 * fs, 4 * fs, 6)).isCloseTo(3.75, within(1e-9));
        // the floor takes the window maximum's place when that is below it
        assertThat(Scores.normalizedScore(3 * fs, 0.5, 4 * fs)).isCloseTo(87.5, within(1e-9));
        assertThat(Scores.normalizedScore(3 * fs, 0.5, 1.0)).isEqualTo(100.0);
        // once the window maximum exceeds the floor, the floor no longer matters
        assertThat(Scores.normalizedScore(u, 2 * u, 6))
                .isEqualTo(Scores.normalizedScore(u, 2 * u, 1e-3));
    }

    @Test
    void normalizedScoreIsTheSmallestOfItsParts() {
        for (double floor : new double[] {0.5, 6}) {
            for (double max : MAXIMA) {
                for (double u : US) {
                    double r = u / Math.max(max, floor);
                    double expected =
                            100
                                    * Math.min(
                                            1,
                                            Math.min(
                                                    u / Scores.FULL_SCALE,
                                                    Math.min(1.5 * r, 0.5 + 0.5 * r)));
                    assertThat(Scores.normalizedScore(u, max, floor))
                            .as("u %s, max %s, floor %s", u, max, floor)
                            .isCloseTo(expected, within(1e-9));
                }
            }
        }
    }

    @Test
    void normalizedScoreIsNeverAbove100AndNonDecreasingInTheUnusualness() {
        for (double floor : new double[] {0, 0.5, 6}) {
            for (double max : MAXIMA) {
                double previous = 0;
                for (int i = 0; i <= 4000; i++) {
                    double u = i * 0.01;
                    double score = Scores.normalizedScore(u, max, floor);
                    assertThat(score)
                            .as("u %s, max %s, floor %s", u, max, floor)
                            .isBetween(0.0, 100.0)
                            .isGreaterThanOrEqualTo(previous);
                    previous = score;
                }
                for (double u :
                        new double[] {1e3, 1e6, Double.MAX_VALUE, Double.POSITIVE_INFINITY}) {
                    assertThat(Scores.normalizedScore(u, max, floor)).isEqualTo(100.0);
                }
            }
        }
    }

    @Test
    void withoutAnyScaleOnlyTheAbsolutePartCounts() {
        double fs = Scores.FULL_SCALE;
        assertThat(Scores.normalizedScore(0.1, 0.0, 0.0))
                .isCloseTo(100 * 0.1 / fs, within(TOLERANCE));
        assertThat(Scores.normalizedScore(fs, 0.0, 0.0)).isEqualTo(100.0);
        assertThat(Scores.normalizedScore(0.5 * fs, Double.NaN, 0.0))
                .isCloseTo(50.0, within(TOLERANCE));
    }
}
