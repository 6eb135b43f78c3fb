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

    @Test
    void normalizedScoreIsLinearUpToTheWindowMaximum() {
        assertThat(Scores.normalizedScore(2.5, 10.0, 1.0)).isCloseTo(25.0, within(TOLERANCE));
        assertThat(Scores.normalizedScore(5.0, 10.0, 1.0)).isCloseTo(50.0, within(TOLERANCE));
        assertThat(Scores.normalizedScore(7.5, 10.0, 1.0)).isCloseTo(75.0, within(TOLERANCE));
        assertThat(Scores.normalizedScore(10.0, 10.0, 1.0)).isEqualTo(100.0);
        assertThat(Scores.normalizedScore(40.0, 10.0, 1.0)).isEqualTo(100.0);
    }

    @Test
    void floorAppliesWhenTheWindowMaximumIsSmall() {
        // A quiet window (max 0.5) must not make u = 0.5 a full-score anomaly.
        assertThat(Scores.normalizedScore(0.5, 0.5, 6.0)).isCloseTo(100.0 / 12, within(1e-9));
        assertThat(Scores.normalizedScore(3.0, 0.5, 6.0)).isCloseTo(50.0, within(TOLERANCE));
        assertThat(Scores.normalizedScore(6.0, 0.0, 6.0)).isEqualTo(100.0);
        // Once the window maximum exceeds the floor, the floor no longer matters.
        assertThat(Scores.normalizedScore(4.0, 8.0, 6.0)).isCloseTo(50.0, within(TOLERANCE));
    }

    @Test
    void withoutAnyScaleAPositiveUnusualnessIsFull() {
        assertThat(Scores.normalizedScore(0.1, 0.0, 0.0)).isEqualTo(100.0);
    }
}
