package dev.forestwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRankOnOneToHundred() {
        List<Integer> xs = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            xs.add(i);
        }
        Collections.shuffle(xs, new java.util.Random(1));
        assertThat(Percentiles.of(xs, 50)).isEqualTo(50);
        assertThat(Percentiles.of(xs, 99)).isEqualTo(99);
        assertThat(Percentiles.of(xs, 100)).isEqualTo(100);
        assertThat(Percentiles.of(xs, 0.5)).isEqualTo(1);
    }

    @Test
    void smallSamplesPickMeasuredValues() {
        // 5 samples: p50 is the 3rd, p99 the 5th (ceil(4.95) = 5), p20 the 1st
        List<Double> xs = List.of(40.0, 10.0, 30.0, 50.0, 20.0);
        assertThat(Percentiles.of(xs, 50)).isEqualTo(30.0);
        assertThat(Percentiles.of(xs, 99)).isEqualTo(50.0);
        assertThat(Percentiles.of(xs, 20)).isEqualTo(10.0);
        assertThat(Percentiles.of(xs, 21)).isEqualTo(20.0);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Percentiles.median(List.of(3, 1, 2))).isEqualTo(2.0);
        assertThat(Percentiles.median(List.of(4, 1, 3, 2))).isEqualTo(2.5);
        assertThat(Percentiles.median(List.of(7))).isEqualTo(7.0);
    }

    @Test
    void rejectsEmptySamplesAndBadPercentiles() {
        assertThatThrownBy(() -> Percentiles.of(List.of(), 50))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.median(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(List.of(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(List.of(1), 101))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
