package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.exponential;
import static dev.forestwatch.job.score.ScoreTestData.forestLike;
import static dev.forestwatch.job.score.ScoreTestData.grid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bins, ranks, quantiles and the encoding of {@link ScoreHistogram}. */
class ScoreHistogramTest {

    @Test
    void binsAreGeometricWithAZeroBin() {
        assertThat(ScoreHistogram.BINS).isEqualTo(2001);
        assertThat(ScoreHistogram.BIN_RATIO).isCloseTo(1.00809, within(1e-5));

        assertThat(ScoreHistogram.binOf(-5.0)).isZero();
        assertThat(ScoreHistogram.binOf(0.0)).isZero();
        assertThat(ScoreHistogram.binOf(ScoreHistogram.ZERO_LIMIT)).isZero();
        assertThat(ScoreHistogram.binOf(Math.nextUp(ScoreHistogram.ZERO_LIMIT))).isEqualTo(1);
        // Between the zero limit and the geometric range: clamped into the first geometric bin.
        assertThat(ScoreHistogram.binOf(1e-4)).isEqualTo(1);
        assertThat(ScoreHistogram.binOf(ScoreHistogram.GEOMETRIC_LOW)).isEqualTo(1);
        // Above the range: clamped into the last bin.
        assertThat(ScoreHistogram.binOf(1e4)).isEqualTo(ScoreHistogram.BINS - 1);
        assertThat(ScoreHistogram.binOf(Double.MAX_VALUE)).isEqualTo(ScoreHistogram.BINS - 1);

        assertThat(ScoreHistogram.lowerEdge(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(ScoreHistogram.upperEdge(ScoreHistogram.BINS - 1))
                .isEqualTo(Double.POSITIVE_INFINITY);
        for (int b = 1; b < ScoreHistogram.BINS - 1; b++) {
            double lower = ScoreHistogram.lowerEdge(b);
            double upper = ScoreHistogram.upperEdge(b);
            // (lower, upper]: the upper edge belongs to the bin, the next double to the next one.
            assertThat(ScoreHistogram.binOf(upper)).isEqualTo(b);
            assertThat(ScoreHistogram.binOf(Math.nextUp(upper))).isEqualTo(b + 1);
            assertThat(ScoreHistogram.binOf(Math.nextUp(lower))).isEqualTo(b);
            if (b > 1) {
                assertThat(upper / lower)
                        .as("ratio of bin %d", b)
                        .isCloseTo(ScoreHistogram.BIN_RATIO, within(1e-9));
            }
        }
        assertThat(ScoreHistogram.lowerEdge(2)).isCloseTo(1e-3 * 1.00809, within(1e-8));
        assertThat(ScoreHistogram.lowerEdge(ScoreHistogram.BINS - 1))
                .isCloseTo(1e4 / ScoreHistogram.BIN_RATIO, within(1e-8));
    }

    @Test
    void emptyHistogramHasNoRanksNorQuantiles() {
        ScoreHistogram h = new ScoreHistogram();
        assertThat(h.count()).isZero();
        assertThat(h.occupiedBins()).isZero();
        assertThat(h.rank(1.0, true)).isNaN();
        assertThat(h.quantile(0.5)).isNaN();
        assertThatThrownBy(() -> h.quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.quantile(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.add(1.0, 0L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quantileEndsAreTheExactMinimumAndMaximum() {
        ScoreHistogram h = histogramOf(forestLike(4L, 5_000));
        assertThat(h.quantile(0.0)).isEqualTo(h.min()).isEqualTo(0.0);
        assertThat(h.quantile(1.0)).isEqualTo(h.max());
        assertThat(h.rank(Math.nextDown(h.min()), true)).isZero();
        assertThat(h.rank(h.max(), true)).isEqualTo(1.0);
        assertThat(h.rank(h.max(), false)).isEqualTo(1.0);
        assertThat(h.rank(h.max() * 0.9999, true)).isLessThan(1.0);
    }

    @Test
    void rankAndQuantileAreInverses() {
        ScoreHistogram h = histogramOf(exponential(5L, 20_000));
        double previous = Double.NEGATIVE_INFINITY;
        for (double q : grid(0.0, 1.0, 2001)) {
            double x = h.quantile(q);
            assertThat(x).as("quantile(%s)", q).isGreaterThanOrEqualTo(previous);
            previous = x;
            assertThat(h.rank(x, true)).as("rank(quantile(%s))", q).isCloseTo(q, within(1e-9));
        }
        previous = 0.0;
        for (double x : grid(-1.0, 12.0, 5001)) {
            double r = h.rank(x, true);
            assertThat(r).as("rank(%s)", x).isGreaterThanOrEqualTo(previous);
            previous = r;
            // Continuous: the exclusive rank is the same number.
            assertThat(h.rank(x, false)).isEqualTo(r);
        }
    }

    @Test
    void equalScoresAreAPointMass() {
        ScoreHistogram h = new ScoreHistogram();
        h.add(2.0, 40L);
        assertThat(h.quantile(0.0)).isEqualTo(2.0);
        assertThat(h.quantile(0.5)).isEqualTo(2.0);
        assertThat(h.quantile(1.0)).isEqualTo(2.0);
        assertThat(h.rank(2.0, true)).isEqualTo(1.0);
        assertThat(h.rank(2.0, false)).isZero();
        assertThat(h.rank(Math.nextDown(2.0), true)).isZero();
        assertThat(h.rank(Math.nextUp(2.0), false)).isEqualTo(1.0);
    }

    @Test
    void scoresInOneBinAreSpreadBetweenMinimumAndMaximum() {
        // 1.0000, 1.0005, ..., 1.0020 share the bin (0.99541, 1.00346]: as the lowest and highest
        // scores they narrow it to [1, 1.002], over which the five are spread evenly.
        ScoreHistogram h = new ScoreHistogram();
        for (int i = 0; i < 5; i++) {
            h.add(1.0 + i * 0.0005);
        }
        assertThat(h.occupiedBins()).isEqualTo(1);
        assertThat(h.rank(1.001, true)).isCloseTo(0.5, within(1e-9));
        assertThat(h.quantile(0.25)).isCloseTo(1.0005, within(1e-12));
    }

    @Test
    void stateDependsOnTheScoresButNotOnTheirOrder() {
        double[] values = forestLike(6L, 10_000);
        ScoreHistogram forward = histogramOf(values);
        double[] shuffled = values.clone();
        Random random = new Random(1L);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        assertThat(histogramOf(shuffled).toBytes()).isEqualTo(forward.toBytes());

        // Weighted adds are repeated adds; -0.0 is 0.0.
        ScoreHistogram weighted = new ScoreHistogram();
        weighted.add(-0.0, 3L);
        weighted.add(1.5, 2L);
        ScoreHistogram repeated = histogramOf(new double[] {1.5, 0.0, 0.0, 1.5, -0.0});
        assertThat(weighted.toBytes()).isEqualTo(repeated.toBytes());
        assertThat(Double.doubleToRawLongBits(weighted.min())).isZero();
    }

    @Test
    void negativeAndHugeScoresAreClampedIntoTheEndBins() {
        ScoreHistogram h = histogramOf(new double[] {-3.0, 0.0, 1.0, 2.0, 1e7});
        assertThat(h.occupiedBins()).isEqualTo(4);
        assertThat(h.min()).isEqualTo(-3.0);
        assertThat(h.max()).isEqualTo(1e7);
        // The zero bin spreads its two scores over [-3, 1e-6].
        assertThat(h.rank(-1.5, true)).isCloseTo(0.2, within(1e-6));
        assertThat(h.quantile(1.0)).isEqualTo(1e7);
    }

    @Test
    void encodingRoundTripsAndIsCompact() throws IOException {
        ScoreHistogram empty = new ScoreHistogram();
        assertThat(empty.toBytes()).hasSize(1);
        assertThat(ScoreHistogram.fromBytes(empty.toBytes()).count()).isZero();

        ScoreHistogram h = histogramOf(forestLike(7L, 100_000));
        byte[] bytes = h.toBytes();
        ScoreHistogram restored = ScoreHistogram.fromBytes(bytes);
        assertThat(restored.toBytes()).isEqualTo(bytes);
        assertThat(restored.count()).isEqualTo(100_000);
        assertThat(restored.min()).isEqualTo(h.min());
        assertThat(restored.max()).isEqualTo(h.max());
        for (double q : grid(0.0, 1.0, 101)) {
            assertThat(restored.quantile(q)).isEqualTo(h.quantile(q));
        }
        // A few hundred occupied bins at 2 to 4 bytes each.
        assertThat(h.occupiedBins()).isBetween(300, 900);
        assertThat(bytes.length).isLessThan(2_000);

        ScoreHistogram wide = histogramOf(exponential(8L, 100_000));
        assertThat(wide.toBytes().length).isLessThan(4_000);
    }

    @Test
    void sizeIsBoundedByTheNumberOfBins() throws IOException {
        ScoreHistogram h = new ScoreHistogram();
        for (int b = 0; b < ScoreHistogram.BINS; b++) {
            double upper = ScoreHistogram.upperEdge(b);
            h.add(Double.isInfinite(upper) ? 1e9 : upper, Long.MAX_VALUE / (4 * 2001));
        }
        assertThat(h.occupiedBins()).isEqualTo(ScoreHistogram.BINS);
        byte[] bytes = h.toBytes();
        assertThat(bytes.length).isLessThanOrEqualTo(ScoreHistogram.MAX_ENCODED_BYTES);
        assertThat(ScoreHistogram.fromBytes(bytes).toBytes()).isEqualTo(bytes);
        // More scores add no bins.
        h.add(5.0);
        assertThat(h.occupiedBins()).isEqualTo(ScoreHistogram.BINS);
    }

    @Test
    void copyIsIndependent() {
        ScoreHistogram h = histogramOf(new double[] {1.0, 2.0, 3.0});
        ScoreHistogram copy = h.copy();
        copy.add(50.0);
        h.add(0.5);
        assertThat(copy.count()).isEqualTo(4);
        assertThat(copy.max()).isEqualTo(50.0);
        assertThat(copy.min()).isEqualTo(1.0);
        assertThat(h.max()).isEqualTo(3.0);
        assertThat(h.min()).isEqualTo(0.5);
    }

    @Test
    void corruptEncodingsAreRejected() {
        byte[] valid = histogramOf(new double[] {1.0, 2.0, 2.0}).toBytes();
        // count 3, min, max, 2 bins, (gap, 1), (gap, 2)
        assertThat(valid[0]).isEqualTo((byte) 3);

        assertCorrupt(new byte[0], "truncated");
        assertCorrupt(Arrays.copyOf(valid, valid.length - 1), "truncated");
        assertCorrupt(Arrays.copyOf(valid, valid.length + 1), "trailing");

        byte[] wrongCount = valid.clone();
        wrongCount[0] = 4;
        assertCorrupt(wrongCount, "add up to 3, not the count 4");

        byte[] nanMin = valid.clone();
        ByteBuffer.wrap(nanMin).putDouble(1, Double.NaN);
        assertCorrupt(nanMin, "invalid minimum");

        byte[] minAboveMax = valid.clone();
        ByteBuffer.wrap(minAboveMax).putDouble(1, 3.0);
        assertCorrupt(minAboveMax, "invalid minimum");

        byte[] minInAnotherBin = valid.clone();
        ByteBuffer.wrap(minInAnotherBin).putDouble(1, 0.5);
        assertCorrupt(minInAnotherBin, "outside the first or last bin");

        byte[] noBins = valid.clone();
        noBins[17] = 0;
        assertCorrupt(noBins, "invalid number of bins 0");

        byte[] zeroCount = valid.clone();
        zeroCount[zeroCount.length - 1] = 0;
        assertCorrupt(zeroCount, "invalid bin count 0");

        byte[] gapTooLarge = {
            1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xD1, 15, 1
        };
        assertCorrupt(gapTooLarge, "bin index out of range");

        byte[] endless = new byte[12];
        Arrays.fill(endless, (byte) 0xFF);
        assertCorrupt(endless, "longer than 10 bytes");
    }

    private static void assertCorrupt(byte[] bytes, String message) {
        assertThatThrownBy(() -> ScoreHistogram.fromBytes(bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Corrupt score histogram")
                .hasMessageContaining(message);
    }

    private static ScoreHistogram histogramOf(double[] values) {
        ScoreHistogram h = new ScoreHistogram();
        for (double v : values) {
            h.add(v);
        }
        return h;
    }
}
