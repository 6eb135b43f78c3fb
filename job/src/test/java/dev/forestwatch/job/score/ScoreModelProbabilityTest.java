package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.exactTail;
import static dev.forestwatch.job.score.ScoreTestData.exponential;
import static dev.forestwatch.job.score.ScoreTestData.forestLike;
import static dev.forestwatch.job.score.ScoreTestData.grid;
import static dev.forestwatch.job.score.ScoreTestData.modelOf;
import static dev.forestwatch.job.score.ScoreTestData.sorted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoreModel#probability}: warm-up, shape of the curve and agreement with a known tail.
 *
 * <p>The model is deterministic, so each assertion checks one fixed outcome; the tolerances still
 * describe what the histogram guarantees (ranks within one bin's share of the history, bins about
 * 0.8% wide) rather than the values one seed happens to give.
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
        assertThat(empty.quantile(0.0)).isNaN();
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
        // Just below q99 about 1% of the history is as high.
        assertThat(below).isBetween(0.0095, 0.0115);
        assertThat(above / below).isCloseTo(1.0, within(1e-6));
        assertThat(at / below).isCloseTo(1.0, within(1e-6));
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
        // sample's q90 and q99 (10,000 draws) differ from the true ones, and extrapolation
        // multiplies that error, so compare unusualness (decades) with a tolerance that grows
        // with distance.
        assertThat(Scores.unusualness(model.probability(Math.log(1_000.0))))
                .isCloseTo(3.0, within(0.3));
        assertThat(Scores.unusualness(model.probability(Math.log(100_000.0))))
                .isCloseTo(5.0, within(0.6));
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
    void empiricalPartMatchesTheExactTailOfTheHistory() {
        // Against the same formula on the sorted history, at the sample median, q90 and q99.
        for (double[] values : new double[][] {exponential(7L, 50_000), forestLike(7L, 50_000)}) {
            ScoreModel m = modelOf(values);
            double[] sorted = sorted(values);
            for (double q : new double[] {0.5, 0.9, 0.99}) {
                double x = sorted[(int) (q * sorted.length)];
                assertThat(m.probability(x))
                        .as("p at the sample quantile %s (%s)", q, x)
                        .isCloseTo(exactTail(sorted, x), within(0.01));
            }
            // And everywhere below q99: the error is at most the share of the history in one bin.
            double q99 = m.quantile(0.99);
            for (double x : sorted) {
                if (x < q99) {
                    assertThat(m.probability(x))
                            .as("p(%s)", x)
                            .isCloseTo(exactTail(sorted, x), within(0.002));
                }
            }
        }
    }

    @Test
    void sparseHistoryGivesTheFormula() {
        // 100 values 1..100, each in a bin of its own (bins are about 0.8% wide).
        ScoreModel sparse = new ScoreModel();
        for (int i = 1; i <= 100; i++) {
            sparse.addRawScore(i);
        }
        assertThat(sparse.histogram().occupiedBins()).isEqualTo(100);
        // 40 of 100 values are <= 40.5, which lies in an empty bin: p = (100 * 0.6 + 1) / 101.
        assertThat(sparse.probability(40.5)).isCloseTo(61.0 / 101.0, within(1e-12));
        // 40 itself is spread over its bin, so between 39 and 40 of the values count as <= 40.
        assertThat(sparse.probability(40.0)).isBetween(61.0 / 101.0, 62.0 / 101.0);
        // q90 and q99 end inside the bins of 90 and 99, at most one bin width above them.
        double q90 = sparse.quantile(0.90);
        double q99 = sparse.quantile(0.99);
        assertThat(q90).isBetween(90.0, 90.0 * ScoreHistogram.BIN_RATIO);
        assertThat(q99).isBetween(99.0, 99.0 * ScoreHistogram.BIN_RATIO);
        // 99 of 100 values lie at or below q99: the anchor is (100 * 0.01 + 1) / 101.
        double anchor = 2.0 / 101.0;
        assertThat(sparse.probability(q99)).isCloseTo(anchor, within(1e-12));
        assertThat(sparse.probability(Math.nextDown(q99))).isCloseTo(anchor, within(1e-12));
        // At the top of the bin of 98, all of 1..98 count as lower.
        double top98 = ScoreHistogram.upperEdge(ScoreHistogram.binOf(98.0));
        assertThat(sparse.probability(top98)).isCloseTo(3.0 / 101.0, within(1e-12));
        // The tail falls tenfold over q99 - q90.
        assertThat(sparse.probability(q99 + (q99 - q90))).isCloseTo(anchor / 10.0, within(1e-12));
        double scale = (q99 - q90) / Math.log(10.0);
        assertThat(sparse.probability(q99 + 5.0))
                .isCloseTo(anchor * Math.exp(-5.0 / scale), within(1e-12));
    }
}
