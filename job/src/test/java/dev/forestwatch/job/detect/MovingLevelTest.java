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
        assertThat(MovingLevel.typical(level, 2)).isNull();
        assertThat(MovingLevel.observe(level, new double[] {5, 6})).containsExactly(5, 6);
    }

    @Test
    void aConstantSeriesConvergesToItsValue() {
        double[] level = MovingLevel.observe(null, new double[] {0});
        for (int i = 0; i < 200; i++) {
            level = MovingLevel.observe(level, new double[] {42});
        }
        assertThat(level[0]).isCloseTo(42, within(1e-6));
    }
}
