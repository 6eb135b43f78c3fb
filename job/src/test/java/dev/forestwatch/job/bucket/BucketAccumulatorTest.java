package dev.forestwatch.job.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forestwatch.job.config.Aggregation;
import java.util.Random;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class BucketAccumulatorTest {
    private static BucketAccumulator of(Aggregation a, double... values) {
        BucketAccumulator acc = new BucketAccumulator();
        for (double v : values) {
            acc.add(a, new double[] {v}, null, null, 0);
        }
        return acc;
    }

    @Test
    void countSumMeanMinMax() {
        double[] v = {3, 1, 4, 1, 5, 9, 2, 6};
        assertThat(of(Aggregation.COUNT, v).value(Aggregation.COUNT, 1)[0]).isEqualTo(8);
        assertThat(of(Aggregation.SUM, v).value(Aggregation.SUM, 1)[0]).isEqualTo(31);
        assertThat(of(Aggregation.MEAN, v).value(Aggregation.MEAN, 1)[0]).isEqualTo(31 / 8.0);
        assertThat(of(Aggregation.MIN, v).value(Aggregation.MIN, 1)[0]).isEqualTo(1);
        assertThat(of(Aggregation.MAX, v).value(Aggregation.MAX, 1)[0]).isEqualTo(9);
        assertThat(of(Aggregation.MAX, -3, -7).value(Aggregation.MAX, 1)[0]).isEqualTo(-3);
    }

    @Test
    void emptyBucketCountsZero() {
        assertThat(new BucketAccumulator().value(Aggregation.COUNT, 1)[0]).isZero();
    }

    @Test
    void medianIsExactForSmallBuckets() {
        assertThat(of(Aggregation.MEDIAN, 5, 1, 9).value(Aggregation.MEDIAN, 1)[0]).isEqualTo(5);
        // even count: the lower of the two middle values (a value that was actually seen)
        assertThat(of(Aggregation.MEDIAN, 4, 1, 3, 2).value(Aggregation.MEDIAN, 1)[0]).isEqualTo(2);
    }

    @Test
    void medianOfLargeBucketIsWithinSketchError() {
        Random r = new Random(1);
        BucketAccumulator acc = new BucketAccumulator();
        for (int i = 0; i < 100_000; i++) {
            acc.add(Aggregation.MEDIAN, new double[] {r.nextDouble() * 1000}, null, null, 0);
        }
        // uniform 0..1000: true median 500; KLL k=200 rank error ~1.3% -> about +-13
        assertThat(acc.value(Aggregation.MEDIAN, 1)[0]).isCloseTo(500, within(25.0));
        assertThat(acc.quantiles[0].length).isLessThan(10_000);
    }

    @Test
    void distinctCount() {
        BucketAccumulator acc = new BucketAccumulator();
        for (String u : new String[] {"a", "b", "a", "c", "b", "a"}) {
            acc.add(Aggregation.DISTINCT_COUNT, new double[0], u, null, 0);
        }
        assertThat(acc.value(Aggregation.DISTINCT_COUNT, 1)[0]).isEqualTo(3);
        assertThat(acc.count).isEqualTo(6);

        BucketAccumulator many = new BucketAccumulator();
        for (int i = 0; i < 20_000; i++) {
            many.add(Aggregation.DISTINCT_COUNT, new double[0], "user-" + (i % 5000), null, 0);
        }
        assertThat(many.value(Aggregation.DISTINCT_COUNT, 1)[0]).isCloseTo(5000, within(250.0));
    }

    @Test
    void multivariateKeepsOneSummaryPerField() {
        BucketAccumulator acc = new BucketAccumulator();
        acc.add(Aggregation.MEAN, new double[] {1, 10}, null, null, 0);
        acc.add(Aggregation.MEAN, new double[] {3, 30}, null, null, 0);
        assertThat(acc.value(Aggregation.MEAN, 2)).containsExactly(2.0, 20.0);
        BucketAccumulator max = new BucketAccumulator();
        max.add(Aggregation.MAX, new double[] {1, -10}, null, null, 0);
        max.add(Aggregation.MAX, new double[] {3, -30}, null, null, 0);
        assertThat(max.value(Aggregation.MAX, 2)).containsExactly(3.0, -10.0);
    }

    @Test
    void perEventDetectorsKeepTheEvents() {
        BucketAccumulator acc = new BucketAccumulator();
        acc.add(Aggregation.VALUE, new double[] {1, 2}, null, null, 200);
        acc.add(Aggregation.VALUE, new double[] {3, 4}, null, null, 100);
        assertThat(acc.eventTimes).containsExactly(200L, 100L);
        assertThat(acc.eventValues).containsExactly(1.0, 2.0, 3.0, 4.0);
    }

    @Test
    void influencerValuesAreCollectedOnceAndCapped() {
        BucketAccumulator acc = new BucketAccumulator();
        for (int i = 0; i < 40; i++) {
            acc.add(Aggregation.COUNT, new double[0], null, new String[] {"h" + (i % 20), "eu"}, 0);
        }
        assertThat(BucketAccumulator.split(acc.influencerValues[0]))
                .hasSize(BucketAccumulator.MAX_INFLUENCER_VALUES)
                .doesNotHaveDuplicates();
        assertThat(BucketAccumulator.split(acc.influencerValues[1])).containsExactly("eu");
    }

    @Test
    void storedAsPojoWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(BucketAccumulator.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SeriesMeta.class);
    }
}
