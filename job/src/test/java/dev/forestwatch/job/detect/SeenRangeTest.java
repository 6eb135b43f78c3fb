package dev.forestwatch.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forestwatch.job.config.Side;
import org.junit.jupiter.api.Test;

class SeenRangeTest {

    private static double[] learn(double... values) {
        double[] range = null;
        for (double v : values) {
            range = SeenRange.observe(range, new double[] {v});
        }
        return range;
    }

    @Test
    void excessIsTheDistanceBeyondTheRangeAsAFractionOfIt() {
        double[] range = learn(10, 20, 15);
        assertThat(SeenRange.excess(range, new double[] {15}, Side.BOTH)).isZero();
        assertThat(SeenRange.excess(range, new double[] {25}, Side.BOTH))
                .isCloseTo(0.5, within(1e-3));
        assertThat(SeenRange.excess(range, new double[] {8}, Side.BOTH))
                .isCloseTo(0.2, within(1e-3));
    }

    @Test
    void oneSidedDetectorsCountOnlyTheirDirection() {
        double[] range = learn(10, 20);
        assertThat(SeenRange.excess(range, new double[] {0}, Side.HIGH)).isZero();
        assertThat(SeenRange.excess(range, new double[] {30}, Side.HIGH))
                .isCloseTo(1, within(1e-3));
        assertThat(SeenRange.excess(range, new double[] {30}, Side.LOW)).isZero();
        assertThat(SeenRange.excess(range, new double[] {0}, Side.LOW)).isCloseTo(1, within(1e-3));
    }

    @Test
    void aSingleValueOrNoRangeJudgesNothing() {
        assertThat(SeenRange.excess(null, new double[] {5}, Side.BOTH)).isZero();
        assertThat(SeenRange.excess(learn(3, 3, 3), new double[] {1e9}, Side.BOTH)).isZero();
        // a range of another dimension (the detector changed) is not compared
        assertThat(SeenRange.excess(learn(1, 2), new double[] {9, 9}, Side.BOTH)).isZero();
    }

    @Test
    void theWorstFieldOfAMultivariateValueDecides() {
        double[] range = null;
        range = SeenRange.observe(range, new double[] {0, 100});
        range = SeenRange.observe(range, new double[] {10, 200});
        assertThat(SeenRange.excess(range, new double[] {5, 400}, Side.BOTH))
                .isCloseTo(2, within(1e-3));
        assertThat(SeenRange.excess(range, new double[] {13, 150}, Side.BOTH))
                .isCloseTo(0.3, within(1e-3));
    }

    @Test
    void theRangeWidensToEveryValueAndSlowlyForgetsAnOutlier() {
        double[] range = learn(0, 1);
        range = SeenRange.observe(range, new double[] {1000});
        assertThat(range[0]).isCloseTo(0, within(1e-4));
        assertThat(range[1]).isEqualTo(1000);
        // a spike no longer blinds the rule after some hundred thousand ordinary points (its end
        // relaxes with an e-folding time of 1 / RELAXATION points)
        for (int i = 0; i < 700_000; i++) {
            range = SeenRange.observe(range, new double[] {i % 2});
        }
        assertThat(range[1]).isLessThan(10);
        assertThat(range[0]).isCloseTo(0, within(1e-4));
        assertThat(SeenRange.excess(range, new double[] {50}, Side.BOTH)).isGreaterThan(1);
    }
}
