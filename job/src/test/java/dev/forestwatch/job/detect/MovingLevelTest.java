package dev.forestwatch.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MovingLevelTest {

    @Test
    void theFirstValueStartsTheLevelAndLaterOnesMoveItByAlpha() {
        assertThat(MovingLevel.typical(null, 1)).isNull();
        double[] level = MovingLevel.observe(null, new double[] {10, 100});
        assertThat(MovingLevel.typical(level, 2)).containsExactly(10, 100);
        level = MovingLevel.observe(level, new double[] {20, 0});
        assertThat(level[0]).isCloseTo(10 + MovingLevel.ALPHA * 10, within(1e-12));
        assertThat(level[1]).isCloseTo(100 - MovingLevel.ALPHA * 100, within(1e-12));
    }

    @Test
    void typicalIsACopyAndADimensionChangeStartsAfresh() {
        double[] level = MovingLevel.observe(null, new double[] {1});
        double[] typical = MovingLevel.typical(level, 1);
        typical[0] = 99;
        assertThat(level[0]).isEqualTo(1);
        // the state of one field holds its level and spread: three fields do not fit it
        assertThat(MovingLevel.typical(level, 3)).isNull();
        double[] fresh = MovingLevel.observe(level, new double[] {5, 6, 7});
        assertThat(MovingLevel.typical(fresh, 3)).containsExactly(5, 6, 7);
        assertThat(fresh).hasSize(6);
    }

    @Test
    void aConstantSeriesConvergesToItsValue() {
        double[] level = MovingLevel.observe(null, new double[] {0});
        for (int i = 0; i < 200; i++) {
            level = MovingLevel.observe(level, new double[] {42});
        }
        assertThat(level[0]).isCloseTo(42, within(1e-6));
    }

    @Test
    void theSpreadStartsWithTheSecondValueAndTheBandIsNinetyFivePercentOfANormal() {
        double[] state = MovingLevel.observe(null, new double[] {10});
        assertThat(MovingLevel.bounds(state, new double[] {10})).isNull();
        state = MovingLevel.observe(state, new double[] {12});
        // first deviation |12 - 10| starts the spread
        double[][] band = MovingLevel.bounds(state, new double[] {10});
        double half = 1.96 * Math.sqrt(Math.PI / 2) * 2;
        assertThat(band[0][0]).isCloseTo(10 - half, within(1e-9));
        assertThat(band[1][0]).isCloseTo(10 + half, within(1e-9));
    }

    @Test
    void gaussianNoiseFallsInsideTheBandAboutNinetyFivePercentOfTheTime() {
        java.util.Random random = new java.util.Random(7);
        double[] state = null;
        int inside = 0;
        int judged = 0;
        for (int i = 0; i < 20_000; i++) {
            double[] value = {100 + 5 * random.nextGaussian()};
            double[] typical = MovingLevel.typical(state, 1);
            double[][] band = MovingLevel.bounds(state, typical);
            if (i > 200 && band != null) {
                judged++;
                if (value[0] >= band[0][0] && value[0] <= band[1][0]) {
                    inside++;
                }
            }
            state = MovingLevel.observe(state, value);
        }
        // the moving level itself wanders (α = 0.1 adds about 5% to the residual's variance),
        // and the spread estimate is noisy: a little above or below 95%, never far
        assertThat((double) inside / judged).isBetween(0.92, 0.97);
    }

    @Test
    void theSpreadIsMeasuredAgainstTheSeasonalReferenceWhenThereIsOne() {
        // a daily swing of ±50 around 100 that the reference explains exactly: no spread
        double[] state = null;
        for (int i = 0; i < 500; i++) {
            double ref = 100 + 50 * Math.sin(2 * Math.PI * i / 24);
            state = MovingLevel.observe(state, new double[] {ref}, new double[] {ref});
        }
        double[][] band = MovingLevel.bounds(state, new double[] {100});
        assertThat(band[1][0] - band[0][0]).isLessThan(1e-6);
        // measured against the level instead, the same swing makes a wide band
        double[] levelOnly = null;
        for (int i = 0; i < 500; i++) {
            levelOnly =
                    MovingLevel.observe(
                            levelOnly, new double[] {100 + 50 * Math.sin(2 * Math.PI * i / 24)});
        }
        assertThat(MovingLevel.bounds(levelOnly, new double[] {100})[1][0]).isGreaterThan(130);
    }

    @Test
    void oneOutlierWidensTheBandByAFifthAtMostAndTheOldFormatIsUpgraded() {
        double[] state = MovingLevel.observe(null, new double[] {0});
        for (int i = 0; i < 300; i++) {
            state = MovingLevel.observe(state, new double[] {i % 2 == 0 ? 1 : -1});
        }
        double before = MovingLevel.bounds(state, new double[] {0})[1][0];
        state = MovingLevel.observe(state, new double[] {1_000_000});
        double after = MovingLevel.bounds(state, new double[] {0})[1][0];
        assertThat(after / before).isLessThanOrEqualTo(1.0 + MovingLevel.SPREAD_ALPHA * 3 + 1e-9);
        // a level-only state written by the previous release keeps its level, gains a spread
        double[] old = {42};
        assertThat(MovingLevel.typical(old, 1)).containsExactly(42);
        assertThat(MovingLevel.bounds(old, new double[] {42})).isNull();
        double[] upgraded = MovingLevel.observe(old, new double[] {44});
        assertThat(upgraded).hasSize(2);
        assertThat(MovingLevel.bounds(upgraded, new double[] {42})).isNotNull();
    }
}
