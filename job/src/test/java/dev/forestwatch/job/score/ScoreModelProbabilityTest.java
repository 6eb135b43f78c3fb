package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.exponential;
import static dev.forestwatch.job.score.ScoreTestData.grid;
import static dev.forestwatch.job.score.ScoreTestData.modelOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoreModel#probability}: warm-up, shape of the curve and agreement with a known tail.
 *
 * <p>The KLL sketch compacts with an unseeded random generator, so a model over 10,000 values is
 * not bit-reproducible; tolerances are set well outside its rank error (about 1.3% at k=200).
 */
class ScoreModelProbabilityTest {

    private static final int N = 10_000;

    /** Exponential(1) history: {@code P(X > x) = exp(-x)}. */
    private static ScoreModel model;

    @BeforeAll
    static void buildModel() {
        model = modelOf(exponential(42L, N));
    }

    @Test
    void isOneUntilTheHistoryIsLongEnough() {
        ScoreModel warmingUp = new ScoreModel();
        double[] values = exponential(1L, ScoreModel.MIN_HISTORY);
        for (int i = 0; i < ScoreModel.MIN_HISTORY - 1; i++) {
            warmingUp.addRawScore(values[i]);
            assertThat(warmingUp.probability(1e9)).isEqualTo(1.0);
            assertThat(warmingUp.probability(values[0])).isEqualTo(1.0);
        }
        assertThat(warmingUp.count()).isEqualTo(ScoreModel.MIN_HISTORY - 1);

        warmingUp.addRawScore(values[ScoreModel.MIN_HISTORY - 1]);
        assertThat(warmingUp.count()).isEqualTo(ScoreModel.MIN_HISTORY);
        assertThat(warmingUp.probability(1e9)).isLessThan(1e-6);
    }

    @Test
    void emptyModelHasNoQuantiles() {
        ScoreModel empty = new ScoreModel();
        assertThat(empty.count()).isZero();
        assertThat(empty.quantile(0.5)).isNaN();
        assertThat(empty.probability(3.0)).isEqualTo(1.0);
    }

    @Test
    void nonFiniteRawScoresAreNotRecorded() {
        ScoreModel m = new ScoreModel();
        m.addRawScore(Double.NaN);
        m.addRawScore(Double.POSITIVE_INFINITY);
        m.addRawScore(Double.NEGATIVE_INFINITY);
        m.addRawScore(0.5);
        assertThat(m.count()).isEqualTo(1);
    }

    @Test
    void isInUnitIntervalAndNeverZero() {
        for (double x : new double[] {-1e9, -1.0, 0.0, 1.0, 10.0, 1e3, 1e9, Double.MAX_VALUE}) {
            assertThat(model.probability(x))
                    .as("p(%s)", x)
                    .isGreaterThan(0.0)
                    .isLessThanOrEqualTo(1.0);
        }
        assertThat(model.probability(1e9)).isEqualTo(Double.MIN_NORMAL);
        assertThat(model.probability(Double.POSITIVE_INFINITY)).isEqualTo(Double.MIN_NORMAL);
        assertThat(model.probability(-1.0)).isEqualTo(1.0);
        assertThat(model.probability(Double.NaN)).isEqualTo(1.0);
    }

    @Test
    void isNonIncreasingInTheRawScore() {
        // A fine grid plus every retained-item neighbourhood the curve could step at.
        double[] ranks = grid(0.0, 1.0, 1001);
        double[] quantiles = Arrays.stream(ranks).map(model::quantile).toArray();
        double[] xs =
                DoubleStream.concat(
                                DoubleStream.of(grid(-1.0, 40.0, 20_001)),
                                Arrays.stream(quantiles)
                                        .flatMap(
                                                q ->
                                                        DoubleStream.of(
                                                                Math.nextDown(q),
                                                                q,
                                                                Math.nextUp(q))))
                        .sorted()
                        .toArray();
        double previous = 1.0;
        for (double x : xs) {
            double p = model.probability(x);
            assertThat(p).as("p(%s)", x).isLessThanOrEqualTo(previous);
            previous = p;
        }
    }

    @Test
    void isContinuousAcrossQ99() {
        double q99 = model.quantile(0.99);
        double eps = 1e-9 * Math.max(1.0, Math.abs(q99));
        double below = model.probability(q99 - eps);
        double at = model.probability(q99);
        double above = model.probability(q99 + eps);
        // Just below q99 at least 1% of the history is as high, plus the weight of the q99 item.
        assertThat(below).isBetween(0.0095, 0.02);
        assertThat(above / below).isCloseTo(1.0, within(0.03));
        assertThat(at / below).isCloseTo(1.0, within(0.03));
    }

    @Test
    void empiricalPartMatchesTheTrueTail() {
        // P(X > q) = exp(-q) for Exponential(1).
        assertThat(model.probability(Math.log(2.0))).isCloseTo(0.5, within(0.03));
        assertThat(model.probability(1.0)).isCloseTo(Math.exp(-1.0), within(0.03));
        assertThat(model.probability(2.0)).isCloseTo(Math.exp(-2.0), within(0.02));
        assertThat(model.probability(Math.log(10.0))).isCloseTo(0.1, within(0.02));
        assertThat(model.probability(Math.log(50.0))).isCloseTo(0.02, within(0.01));
    }

    @Test
    void exponentialTailExtrapolatesAnExponentialHistory() {
        // For Exponential(1), q99 - q90 = ln 10 exactly, so the fitted tail is the true one. The
        // sketch's error in q90 and q99 changes the fitted scale, and extrapolation multiplies
        // that error, so compare unusualness (decades) with a tolerance that grows with distance;
        // in 200 repeated runs the error peaked at 0.62 and 1.17 decades.
        assertThat(Scores.unusualness(model.probability(Math.log(1_000.0))))
                .isCloseTo(3.0, within(0.75));
        assertThat(Scores.unusualness(model.probability(Math.log(100_000.0))))
                .isCloseTo(5.0, within(1.5));
    }

    @Test
    void separatesAnomaliesFromTypicalScores() {
        double max = model.quantile(1.0);
        assertThat(model.probability(max + 25.0)).isLessThan(1e-6);
        assertThat(model.probability(100.0)).isLessThan(1e-6);
        assertThat(model.probability(model.quantile(0.5))).isGreaterThan(0.1);
        assertThat(model.probability(model.quantile(0.8))).isGreaterThan(0.1);
    }

    @Test
    void degenerateHistoryStillGivesAUsableTail() {
        // All scores equal: q90 = q99, so the scale floor (1% of |q99|) takes over.
        ScoreModel constant = new ScoreModel();
        for (int i = 0; i < 1000; i++) {
            constant.addRawScore(2.0);
        }
        assertThat(constant.probability(1.9)).isEqualTo(1.0);
        assertThat(constant.probability(2.0)).isEqualTo(1.0);
        assertThat(constant.probability(2.02)).isCloseTo(Math.exp(-1.0), within(1e-9));
        assertThat(constant.probability(3.0)).isLessThan(1e-20).isPositive();

        // All zero: |q99| = 0, so the absolute floor keeps the scale positive.
        ScoreModel zeros = new ScoreModel();
        for (int i = 0; i < 100; i++) {
            zeros.addRawScore(0.0);
        }
        assertThat(zeros.probability(0.0)).isEqualTo(1.0);
        assertThat(zeros.probability(1e-6)).isCloseTo(Math.exp(-1.0), within(1e-9));
        assertThat(zeros.probability(1.0)).isEqualTo(Double.MIN_NORMAL);
    }

    @Test
    void exactHistoryGivesTheFormula() {
        // 100 values 1..100 stay exact in the sketch (no compaction below k = 200).
        ScoreModel exact = new ScoreModel();
        for (int i = 1; i <= 100; i++) {
            exact.addRawScore(i);
        }
        // 40 of 100 values are <= 40.5: p = (100 * 0.6 + 1) / 101.
        assertThat(exact.probability(40.5)).isCloseTo(61.0 / 101.0, within(1e-12));
        assertThat(exact.probability(40.0)).isCloseTo(61.0 / 101.0, within(1e-12));
        // q99 = 99, q90 = 90; just below q99 p = (100 * 0.02 + 1) / 101.
        assertThat(exact.quantile(0.99)).isEqualTo(99.0);
        assertThat(exact.quantile(0.90)).isEqualTo(90.0);
        double anchor = 3.0 / 101.0;
        assertThat(exact.probability(98.5)).isCloseTo(anchor, within(1e-12));
        assertThat(exact.probability(99.0)).isCloseTo(anchor, within(1e-12));
        double scale = 9.0 / Math.log(10.0);
        assertThat(exact.probability(108.0))
                .isCloseTo(anchor * Math.exp(-9.0 / scale), within(1e-12))
                .isCloseTo(anchor / 10.0, within(1e-12));
    }
}
