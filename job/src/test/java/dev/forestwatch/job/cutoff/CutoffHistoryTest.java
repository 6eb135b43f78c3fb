package dev.forestwatch.job.cutoff;

import static dev.forestwatch.job.cutoff.CutoffTestData.HOUR;
import static dev.forestwatch.job.cutoff.CutoffTestData.MIN;
import static dev.forestwatch.job.cutoff.CutoffTestData.exactQuantile;
import static dev.forestwatch.job.cutoff.CutoffTestData.historyOf;
import static dev.forestwatch.job.cutoff.CutoffTestData.rankError;
import static dev.forestwatch.job.cutoff.CutoffTestData.sampleStddev;
import static dev.forestwatch.job.cutoff.CutoffTestData.scores;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forestwatch.job.cutoff.CutoffTestData.Timed;
import java.util.Arrays;
import java.util.Random;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/** Statistics, expiry and the memory bound of {@link CutoffHistory}. */
class CutoffHistoryTest {

    private static final double RELATIVE = 1e-9;

    @Test
    void meanAndSampleStddevMatchADirectComputationAlsoAfterExpiry() {
        // Ten hours of scores, unevenly many per hour, out of order within each hour.
        CutoffHistory h = new CutoffHistory(10 * HOUR, HOUR);
        Timed[] all = new Timed[0];
        for (int hour = 0; hour < 10; hour++) {
            Timed[] part = scores(100 + hour, hour * HOUR, HOUR, 200 + 137 * hour);
            shuffle(part, hour);
            for (Timed t : part) {
                assertThat(h.add(t.timestamp(), t.score())).isTrue();
            }
            all = concat(all, part);
        }
        assertMatches(h, all, t -> true);

        h.expireBefore(4 * HOUR);
        assertMatches(h, all, t -> t >= 4 * HOUR);
        h.expireBefore(9 * HOUR + 1); // mid-slot: the slot of 9h is kept whole
        assertMatches(h, all, t -> t >= 9 * HOUR);
        assertThat(h.slotCount()).isOne();
        h.expireBefore(10 * HOUR);
        assertThat(h.count()).isZero();
        assertThat(h.mean()).isNaN();
        assertThat(h.stddev()).isNaN();
        assertThat(h.quantile(0.5)).isNaN();
    }

    @Test
    void largeOffsetsDoNotCancel() {
        // Σx² - n·mean² would lose every digit here; Welford and Chan's merge keep them.
        Random random = new Random(5);
        CutoffHistory h = new CutoffHistory(150 * HOUR, HOUR); // holds all 142 hours
        double[] xs = new double[5_000];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = 1e9 + random.nextGaussian() * 1e-3;
            h.add(i * 17 * MIN / 10, xs[i]);
        }
        assertThat(h.count()).isEqualTo(xs.length);
        assertThat(h.slotCount()).isEqualTo(142);
        // Scores are only resolved to 1.2e-7 (an ulp of 1e9), 1e-4 of σ: the mean is good to a
        // few such ulps and σ to 1e-6, where Σx² (about 5e21) would leave an error of about 1e6.
        assertThat(h.mean()).isCloseTo(CutoffTestData.mean(xs), within(1e-6));
        assertThat(h.stddev()).isCloseTo(sampleStddev(xs), within(sampleStddev(xs) * 1e-6));
    }

    @Test
    void sampleStddevUsesNMinusOne() {
        CutoffHistory h = new CutoffHistory(2 * HOUR, HOUR);
        for (double x : new double[] {2, 4, 4, 4}) {
            h.add(10, x);
        }
        for (double x : new double[] {5, 5, 7, 9}) {
            h.add(HOUR + 10, x);
        }
        // Population σ of this classic set is exactly 2; the sample σ is sqrt(32 / 7).
        assertThat(h.count()).isEqualTo(8);
        assertThat(h.mean()).isEqualTo(5.0);
        assertThat(h.stddev()).isEqualTo(Math.sqrt(32.0 / 7.0));
        assertThat(h.statsBefore(HOUR).mean()).isEqualTo(3.5);
        assertThat(h.statsBefore(HOUR).stddev()).isEqualTo(1.0);

        CutoffHistory one = historyOf(HOUR, HOUR, new Timed(0, 4.0));
        assertThat(one.mean()).isEqualTo(4.0);
        assertThat(one.stddev()).isNaN();
    }

    @Test
    void statsBeforeLeavesOutLaterIntervals() {
        CutoffHistory h = new CutoffHistory(3 * HOUR, HOUR);
        h.add(10, 1.0);
        h.add(HOUR - 1, 3.0);
        h.add(HOUR, 100.0);
        CutoffHistory.Stats before = h.statsBefore(HOUR);
        assertThat(before.count()).isEqualTo(2);
        assertThat(before.mean()).isEqualTo(2.0);
        assertThat(before.m2()).isEqualTo(2.0);
        assertThat(before.variance()).isEqualTo(2.0);
        assertThat(h.quantileBefore(HOUR, 1.0)).isEqualTo(3.0);
        assertThat(h.statsBefore(0).count()).isZero();
        assertThat(h.statsBefore(0).mean()).isNaN();
        assertThat(h.count()).isEqualTo(3);
        assertThat(h.quantile(1.0)).isEqualTo(100.0);
        assertThat(h.hasScoresAfter(HOUR)).isTrue();
        assertThat(h.hasScoresAfter(2 * HOUR)).isFalse();
    }

    @Test
    void quantilesAreWithinTheSketchRankError() {
        // 100k scores in five slots: every slot sketch and the merge compact several times.
        CutoffHistory h = new CutoffHistory(5 * HOUR, HOUR);
        Timed[] all = scores(42, 0, 5 * HOUR, 100_000);
        for (Timed t : all) {
            h.add(t.timestamp(), t.score());
        }
        double[] xs = values(all, t -> true);
        for (double q : new double[] {0.01, 0.25, 0.5, 0.9, 0.99, 0.995, 0.999}) {
            double estimate = h.quantile(q);
            assertThat(rankError(xs, estimate, q)).as("rank error at q=%s", q).isLessThan(0.02);
            // Sanity: the exact answer is nearby in value too.
            assertThat(estimate).isCloseTo(exactQuantile(xs, q), within(1.0));
        }

        h.expireBefore(3 * HOUR);
        double[] recent = values(all, t -> t >= 3 * HOUR);
        for (double q : new double[] {0.5, 0.99}) {
            assertThat(rankError(recent, h.quantile(q), q)).isLessThan(0.02);
        }
        assertThat(h.quantile(0.0)).isEqualTo(Arrays.stream(recent).min().orElseThrow());
        assertThat(h.quantile(1.0)).isEqualTo(Arrays.stream(recent).max().orElseThrow());
    }

    @Test
    void smallHistoriesGiveExactQuantiles() {
        // Below the sketch's k nothing is compacted, so quantiles are exact order statistics.
        Timed[] all = scores(3, 0, 3 * HOUR, 150);
        CutoffHistory h = historyOf(3 * HOUR, HOUR, all);
        double[] xs = values(all, t -> true);
        for (double q : new double[] {0.0, 0.1, 0.5, 0.9, 0.99, 1.0}) {
            assertThat(h.quantile(q)).isEqualTo(exactQuantile(xs, q));
        }
        assertThatThrownBy(() -> h.quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.quantile(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slotCountStaysBoundedOverALongTimeSpan() {
        // 1e5 scores, one every seven minutes: about 486 days, 11.6k intervals of an hour.
        long history = 24 * HOUR;
        CutoffHistory h = new CutoffHistory(history, HOUR);
        assertThat(h.capacity()).isEqualTo(25);
        Random random = new Random(11);
        int maxSlots = 0;
        for (int i = 0; i < 100_000; i++) {
            long ts = i * 7 * MIN;
            assertThat(h.add(ts, random.nextDouble())).isTrue();
            if (i % 9 == 0) {
                h.expireBefore(ts - history); // as the operator does at boundaries
            }
            maxSlots = Math.max(maxSlots, h.slotCount());
        }
        // bounded by the history plus the intervals between two expiries (here about one)
        assertThat(maxSlots).isLessThanOrEqualTo((int) (history / HOUR) + 2);

        // Without expiry nothing is dropped on arrival: scores may run ahead of the watermark
        // in a replay, and the boundary still to be published needs the older slots.
    }

    @Test
    void ignoredScores() {
        CutoffHistory h = new CutoffHistory(2 * HOUR, HOUR);
        assertThat(h.add(0, Double.NaN)).isFalse();
        assertThat(h.add(0, Double.POSITIVE_INFINITY)).isFalse();
        assertThat(h.add(0, Double.NEGATIVE_INFINITY)).isFalse();
        assertThat(h.count()).isZero();

        assertThat(h.add(10 * HOUR, 1.0)).isTrue();
        // Slots are not dropped on arrival: an older slot is still accepted until it expires.
        assertThat(h.add(8 * HOUR, 2.0)).isTrue();
        assertThat(h.add(7 * HOUR + 5, 3.0)).isTrue();
        assertThat(h.count()).isEqualTo(3);
        h.expireBefore(8 * HOUR);
        assertThat(h.count()).isEqualTo(2);

        h.expireBefore(9 * HOUR);
        assertThat(h.expiredBefore()).isEqualTo(9 * HOUR);
        // An expired slot does not come back, even once the ring is empty.
        assertThat(h.add(8 * HOUR + 1, 2.0)).isFalse();
        h.expireBefore(11 * HOUR);
        assertThat(h.slotCount()).isZero();
        assertThat(h.add(10 * HOUR, 2.0)).isFalse();
        assertThat(h.add(11 * HOUR, 2.0)).isTrue();
        // Expiry never moves backwards.
        h.expireBefore(0);
        assertThat(h.expiredBefore()).isEqualTo(11 * HOUR);
    }

    @Test
    void outOfOrderScoresLandInTheirSlots() {
        CutoffHistory h = new CutoffHistory(4 * HOUR, HOUR);
        h.add(3 * HOUR, 4.0);
        h.add(HOUR, 2.0);
        h.add(2 * HOUR, 3.0);
        h.add(0, 1.0);
        h.add(2 * HOUR + 5, 3.0);
        assertThat(h.slotCount()).isEqualTo(4);
        assertThat(h.statsBefore(2 * HOUR).count()).isEqualTo(2);
        assertThat(h.statsBefore(3 * HOUR).mean()).isEqualTo(9.0 / 4.0);
        // A newer slot does not push older ones out; expiry does.
        h.add(5 * HOUR, 6.0);
        assertThat(h.statsBefore(HOUR).count()).isOne();
        h.expireBefore(HOUR);
        assertThat(h.statsBefore(HOUR).count()).isZero();
        assertThat(h.count()).isEqualTo(5);
    }

    @Test
    void negativeTimestampsUseFloorSlots() {
        CutoffHistory h = new CutoffHistory(2 * HOUR, HOUR);
        assertThat(h.slotOf(-1)).isEqualTo(-1);
        assertThat(h.slotOf(0)).isZero();
        h.add(-1, 1.0);
        h.add(0, 3.0);
        assertThat(h.statsBefore(0).count()).isOne();
        h.expireBefore(0);
        assertThat(h.count()).isOne();
        assertThat(h.mean()).isEqualTo(3.0);
    }

    @Test
    void capacityRoundsHistoryUpToWholeIntervals() {
        assertThat(new CutoffHistory(HOUR, HOUR).capacity()).isEqualTo(2);
        assertThat(new CutoffHistory(7 * 24 * HOUR, HOUR).capacity()).isEqualTo(169);
        assertThat(new CutoffHistory(90 * MIN, HOUR).capacity()).isEqualTo(3);
        assertThatThrownBy(() -> new CutoffHistory(HOUR, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CutoffHistory(0, HOUR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CutoffHistory(Long.MAX_VALUE, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copyIsIndependent() {
        CutoffHistory original = historyOf(3 * HOUR, HOUR, scores(8, 0, 3 * HOUR, 3_000));
        original.expireBefore(-5);
        CutoffHistory copy = original.copy();
        assertThat(copy.count()).isEqualTo(original.count());
        assertThat(copy.mean()).isEqualTo(original.mean());
        assertThat(copy.stddev()).isEqualTo(original.stddev());
        assertThat(copy.expiredBefore()).isEqualTo(-5);

        copy.add(2 * HOUR, 1_000.0);
        copy.expireBefore(HOUR);
        assertThat(original.count()).isEqualTo(3_000);
        assertThat(original.quantile(1.0)).isLessThan(1_000.0);
        assertThat(copy.quantile(1.0)).isEqualTo(1_000.0);
    }

    @Test
    void withSettingsKeepsSlotsOnlyForTheSameInterval() {
        CutoffHistory h = historyOf(4 * HOUR, HOUR, scores(9, 0, 4 * HOUR, 400));
        assertThat(h.withSettings(4 * HOUR, HOUR)).isSameAs(h);

        CutoffHistory shorter = h.withSettings(2 * HOUR, HOUR);
        assertThat(shorter.historyMillis()).isEqualTo(2 * HOUR);
        assertThat(shorter.slotCount()).isEqualTo(3); // slots 1..3 fit a ring of three
        assertThat(shorter.count()).isEqualTo(300);
        shorter.add(3 * HOUR, 50.0);
        assertThat(h.count()).isEqualTo(400);

        CutoffHistory recut = h.withSettings(4 * HOUR, 30 * MIN);
        assertThat(recut.count()).isZero();
        assertThat(recut.intervalMillis()).isEqualTo(30 * MIN);
    }

    private static void assertMatches(CutoffHistory h, Timed[] all, LongPredicate kept) {
        double[] xs = values(all, kept);
        assertThat(h.count()).isEqualTo(xs.length);
        double mean = CutoffTestData.mean(xs);
        double sd = sampleStddev(xs);
        assertThat(h.mean()).isCloseTo(mean, within(Math.abs(mean) * RELATIVE));
        assertThat(h.stddev()).isCloseTo(sd, within(sd * RELATIVE));
    }

    static double[] values(Timed[] all, LongPredicate kept) {
        return Arrays.stream(all)
                .filter(t -> kept.test(t.timestamp()))
                .mapToDouble(Timed::score)
                .toArray();
    }

    private static Timed[] concat(Timed[] a, Timed[] b) {
        Timed[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void shuffle(Timed[] xs, long seed) {
        Random random = new Random(seed);
        for (int i = xs.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Timed t = xs[i];
            xs[i] = xs[j];
            xs[j] = t;
        }
    }
}
