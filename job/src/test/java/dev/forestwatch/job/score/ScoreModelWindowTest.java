package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.observeAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The event-time sliding-window maximum of {@link ScoreModel}. */
class ScoreModelWindowTest {

    @Test
    void emptyWindowHasMaximumZero() {
        ScoreModel model = new ScoreModel();
        assertThat(model.windowMax()).isZero();
        assertThat(model.windowSize()).isZero();
        model.expireBefore(Long.MAX_VALUE);
        assertThat(model.windowMax()).isZero();
    }

    @Test
    void maximumAndExpiry() {
        ScoreModel model = new ScoreModel();
        observeAll(model, 1L, 2.0, 5.0, 1.0);
        assertThat(model.windowMax()).isEqualTo(5.0);
        // (1, 2) is dominated by the later, larger (2, 5).
        assertThat(model.windowSize()).isEqualTo(2);

        model.expireBefore(2L);
        assertThat(model.windowMax()).isEqualTo(5.0);

        model.expireBefore(3L);
        assertThat(model.windowMax()).isEqualTo(1.0);
        assertThat(model.windowSize()).isEqualTo(1);

        model.expireBefore(4L);
        assertThat(model.windowMax()).isZero();
        assertThat(model.windowSize()).isZero();
    }

    @Test
    void equalValueReplacesTheOlderEntry() {
        ScoreModel model = new ScoreModel();
        observeAll(model, 10L, 3.0, 3.0, 3.0);
        assertThat(model.windowSize()).isEqualTo(1);
        // The survivor is the newest, so it outlives the first two timestamps.
        model.expireBefore(12L);
        assertThat(model.windowMax()).isEqualTo(3.0);
        model.expireBefore(13L);
        assertThat(model.windowMax()).isZero();
    }

    @Test
    void lateObservationIsKeptAsIfNewest() {
        ScoreModel model = new ScoreModel();
        model.observeUnusualness(100L, 5.0);
        model.observeUnusualness(150L, 3.0);
        // Arrives late; stamped 150, it dominates the 3 and outlives the 5.
        model.observeUnusualness(120L, 4.0);
        assertThat(model.windowSize()).isEqualTo(2);
        model.expireBefore(101L);
        assertThat(model.windowMax()).isEqualTo(4.0);
        model.expireBefore(150L);
        assertThat(model.windowMax()).isEqualTo(4.0);
        model.expireBefore(151L);
        assertThat(model.windowMax()).isZero();
    }

    @Test
    void nonFiniteValuesAreIgnoredAndNegativeOnesCountAsZero() {
        ScoreModel model = new ScoreModel();
        model.observeUnusualness(1L, Double.NaN);
        model.observeUnusualness(2L, Double.POSITIVE_INFINITY);
        assertThat(model.windowSize()).isZero();
        model.observeUnusualness(3L, -2.0);
        assertThat(model.windowSize()).isEqualTo(1);
        assertThat(model.windowMax()).isZero();
    }

    @Test
    void sizeIsBounded() {
        ScoreModel model = new ScoreModel();
        int n = ScoreModel.MAX_WINDOW_ENTRIES + 1000;
        // Strictly falling values are the worst case: nothing is ever dominated.
        for (int i = 0; i < n; i++) {
            model.observeUnusualness(i, n - i);
        }
        assertThat(model.windowSize()).isEqualTo(ScoreModel.MAX_WINDOW_ENTRIES);
        // The 1000 oldest (largest) entries were dropped.
        assertThat(model.windowMax()).isEqualTo(n - 1000.0);
        model.expireBefore(n - 1L);
        assertThat(model.windowSize()).isEqualTo(1);
        assertThat(model.windowMax()).isEqualTo(1.0);
    }

    @Test
    void matchesABruteForceSlidingMaximum() {
        Random random = new Random(3L);
        int n = 5000;
        long window = 200L;
        long[] times = new long[n];
        double[] values = new double[n];
        ScoreModel model = new ScoreModel();
        long t = 0L;
        for (int i = 0; i < n; i++) {
            t += random.nextInt(10);
            times[i] = t;
            // Mostly small values with occasional large ones, like real unusualness.
            values[i] =
                    random.nextInt(20) == 0
                            ? 5.0 + 10.0 * random.nextDouble()
                            : random.nextDouble();
            model.observeUnusualness(t, values[i]);
            model.expireBefore(t - window);

            double expected = 0.0;
            for (int j = i; j >= 0 && times[j] >= t - window; j--) {
                expected = Math.max(expected, values[j]);
            }
            assertThat(model.windowMax())
                    .as("window max after %d observations", i + 1)
                    .isEqualTo(expected);
        }
    }
}
