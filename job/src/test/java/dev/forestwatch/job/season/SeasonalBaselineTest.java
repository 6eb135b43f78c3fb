package dev.forestwatch.job.season;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeasonalBaselineTest {

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long WEEK = 7 * DAY;
    private static final long[] AUTO = {DAY, WEEK};
    // 2026-01-05 is a Monday
    private static final long START = 1_767_571_200_000L;

    /** A daily cycle with noise: 100 + 50 sin(2 pi t / 1d) + N(0, 5). */
    private static double daily(long t, Random r) {
        return 100
                + 50 * Math.sin(2 * Math.PI * Math.floorMod(t, DAY) / DAY)
                + 5 * r.nextGaussian();
    }

    /** Weekdays: a daytime peak; weekends: flat and low. */
    private static double weekly(long t, Random r) {
        long day = Math.floorDiv(t - START, DAY);
        boolean weekend = Math.floorMod(day, 7) >= 5;
        double hour = (double) Math.floorMod(t, DAY) / HOUR;
        double peak = weekend ? 0 : 80 * Math.exp(-Math.pow((hour - 13) / 3, 2));
        return 40 + peak + 3 * r.nextGaussian();
    }

    @Test
    void acceptsTheDailyPeriodOfADailyCycleAfterADayAndAHalf() {
        SeasonalBaseline b = new SeasonalBaseline(AUTO, 1, 5 * MINUTE);
        Random r = new Random(1);
        long acceptedAt = -1;
        for (long t = START; t < START + 10 * DAY; t += 5 * MINUTE) {
            if (b.observe(t, new double[] {daily(t, r)}).periodsChanged() && acceptedAt < 0) {
                acceptedAt = t;
            }
        }
        assertThat(b.activePeriods()).containsExactly(DAY);
        assertThat(b.referencePeriod()).isEqualTo(DAY);
        // complete after one day, accepted after half a period more
        assertThat(acceptedAt - START).isBetween(DAY + DAY / 2 - HOUR, DAY + DAY / 2 + HOUR);
        // the reference follows the cycle to within the noise
        long t = START + 10 * DAY + 6 * HOUR; // sin peak
        assertThat(b.reference(t)[0]).isCloseTo(150.0, org.assertj.core.data.Offset.offset(6.0));
    }

    @Test
    void prefersTheWeekWhenWeekendsDiffer() {
        SeasonalBaseline b = new SeasonalBaseline(AUTO, 1, 10 * MINUTE);
        Random r = new Random(2);
        for (long t = START; t < START + 5 * WEEK; t += 10 * MINUTE) {
            b.observe(t, new double[] {weekly(t, r)});
        }
        assertThat(b.activePeriods()).contains(WEEK);
        assertThat(b.referencePeriod()).isEqualTo(WEEK);
        // a Saturday at 13:00 is expected flat, a Thursday at 13:00 at its peak
        long saturday = START + 5 * WEEK + 5 * DAY + 13 * HOUR;
        long thursday = START + 5 * WEEK + 3 * DAY + 13 * HOUR;
        assertThat(b.reference(saturday)[0]).isLessThan(50);
        assertThat(b.reference(thursday)[0]).isGreaterThan(110);
    }

    @Test
    void acceptsNothingInNoiseOrARandomWalk() {
        SeasonalBaseline noise = new SeasonalBaseline(AUTO, 1, 5 * MINUTE);
        SeasonalBaseline walk = new SeasonalBaseline(AUTO, 1, 5 * MINUTE);
        Random r = new Random(3);
        double level = 0;
        for (long t = START; t < START + 4 * WEEK; t += 5 * MINUTE) {
            noise.observe(t, new double[] {r.nextGaussian()});
            level += r.nextGaussian();
            walk.observe(t, new double[] {level});
        }
        assertThat(noise.activePeriods()).isEmpty();
        assertThat(noise.reference(START)).isNull();
        assertThat(walk.activePeriods()).isEmpty();
    }

    @Test
    void estimatesTheCadenceOfPerEventSeries() {
        SeasonalBaseline b = new SeasonalBaseline(AUTO, 1, 0);
        Random r = new Random(4);
        for (long t = START; t < START + 4 * DAY; t += 30 * MINUTE) {
            b.observe(t, new double[] {daily(t, r)});
        }
        assertThat(b.cadence()).isEqualTo(30 * MINUTE);
        assertThat(b.activePeriods()).containsExactly(DAY);
    }

    @Test
    void skipsPeriodsOfFewerThanFourPoints() {
        SeasonalBaseline b = new SeasonalBaseline(new long[] {DAY}, 1, 12 * HOUR);
        Random r = new Random(5);
        for (long t = START; t < START + 60 * DAY; t += 12 * HOUR) {
            b.observe(t, new double[] {r.nextGaussian() + (Math.floorMod(t, DAY) == 0 ? 10 : 0)});
        }
        assertThat(b.activePeriods()).isEmpty();
    }

    @Test
    void anAnomalyDoesNotReshapeTheProfile() {
        SeasonalBaseline b = new SeasonalBaseline(AUTO, 1, 5 * MINUTE);
        Random r = new Random(6);
        long end = START + 8 * DAY;
        for (long t = START; t < end; t += 5 * MINUTE) {
            b.observe(t, new double[] {daily(t, r)});
        }
        long probe = end + 3 * HOUR;
        double before = b.reference(probe)[0];
        // one day of a huge level shift, then back to normal
        for (long t = end; t < end + DAY; t += 5 * MINUTE) {
            b.observe(t, new double[] {daily(t, r) + 10_000});
        }
        double after = b.reference(probe + DAY)[0];
        assertThat(Math.abs(after - before)).isLessThan(20);
    }

    @Test
    void remembersEachPointsDeviationFromTheProfileAsItStoodBeforeThePoint() {
        SeasonalBaseline b = new SeasonalBaseline(AUTO, 1, 5 * MINUTE);
        Random r = new Random(9);
        java.util.Map<Long, Double> liveDeviation = new java.util.HashMap<>();
        long t = START;
        for (; t < START + DAY; t += 5 * MINUTE) {
            assertThat(b.replay()).as("nothing to replay before a period is accepted").isEmpty();
            b.observe(t, new double[] {daily(t, r)});
        }
        for (; t < START + 6 * DAY; t += 5 * MINUTE) {
            double v = daily(t, r);
            double[] ref = b.reference(t);
            b.observe(t, new double[] {v});
            if (ref != null) {
                liveDeviation.put(t, v - ref[0]);
            }
        }
        var replay = b.replay();
        assertThat(replay).hasSize(SeasonalBaseline.REPLAY_CAPACITY);
        // oldest first, ending with the newest point
        assertThat(replay.get(replay.size() - 1).timestamp()).isEqualTo(t - 5 * MINUTE);
        for (int i = 1; i < replay.size(); i++) {
            assertThat(replay.get(i).timestamp()).isGreaterThan(replay.get(i - 1).timestamp());
        }
        // the same deviations the live reference gave, not ones recomputed from today's profile
        for (var p : replay) {
            assertThat(p.deviation()[0])
                    .isCloseTo(
                            liveDeviation.get(p.timestamp()),
                            org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void rejectsBadPoints() {
        SeasonalBaseline b = new SeasonalBaseline(AUTO, 1, 5 * MINUTE);
        assertThatThrownBy(() -> b.observe(START, new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.observe(START, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SeasonalBaseline(new long[] {0}, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCopyEvolvesIndependentlyAndIdentically() {
        SeasonalBaseline a = new SeasonalBaseline(AUTO, 1, 5 * MINUTE);
        Random r = new Random(7);
        long t = START;
        for (; t < START + 3 * DAY; t += 5 * MINUTE) {
            a.observe(t, new double[] {daily(t, r)});
        }
        SeasonalBaseline b = a.copy();
        Random ra = new Random(8);
        Random rb = new Random(8);
        for (long u = t; u < t + 2 * DAY; u += 5 * MINUTE) {
            double[] ra1 = a.observe(u, new double[] {daily(u, ra)}).reference();
            double[] rb1 = b.observe(u, new double[] {daily(u, rb)}).reference();
            assertThat(rb1).isEqualTo(ra1);
        }
        assertThat(b.activePeriods()).isEqualTo(a.activePeriods());
    }
}
