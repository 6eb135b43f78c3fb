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
            acc.add(a, v, null);
        }
        return acc;
    }

    @Test
    void countSumMeanMinMax() {
        double[] v = {3, 1, 4, 1, 5, 9, 2, 6};
        assertThat(of(Aggregation.COUNT, v).value(Aggregation.COUNT)).isEqualTo(8);
        assertThat(of(Aggregation.SUM, v).value(Aggregation.SUM)).isEqualTo(31);
        assertThat(of(Aggregation.MEAN, v).value(Aggregation.MEAN)).isEqualTo(31 / 8.0);
        assertThat(of(Aggregation.MIN, v).value(Aggregation.MIN)).isEqualTo(1);
        assertThat(of(Aggregation.MAX, v).value(Aggregation.MAX)).isEqualTo(9);
        assertThat(of(Aggregation.MAX, -3, -7).value(Aggregation.MAX)).isEqualTo(-3);
    }

    @Test
    void emptyBucketCountsZero() {
        assertThat(new BucketAccumulator().value(Aggregation.COUNT)).isZero();
    }

    @Test
    void medianIsExactForSmallBuckets() {
        assertThat(of(Aggregation.MEDIAN, 5, 1, 9).value(Aggregation.MEDIAN)).isEqualTo(5);
        // even count: the lower of the two middle values (a value that was actually seen)
        assertThat(of(Aggregation.MEDIAN, 4, 1, 3, 2).value(Aggregation.MEDIAN)).isEqualTo(2);
    }

    @Test
    void medianOfLargeBucketIsWithinSketchError() {
        Random r = new Random(1);
        BucketAccumulator acc = new BucketAccumulator();
        for (int i = 0; i < 100_000; i++) {
            acc.add(Aggregation.MEDIAN, r.nextDouble() * 1000, null);
        }
        // uniform 0..1000: true median 500; KLL k=200 rank error ~1.3% -> about +-13
        assertThat(acc.value(Aggregation.MEDIAN)).isCloseTo(500, within(25.0));
        assertThat(acc.quantiles.length).isLessThan(10_000);
    }

    @Test
    void distinctCount() {
        BucketAccumulator acc = new BucketAccumulator();
        for (String u : new String[] {"a", "b", "a", "c", "b", "a"}) {
            acc.add(Aggregation.DISTINCT_COUNT, 0, u);
        }
        assertThat(acc.value(Aggregation.DISTINCT_COUNT)).isEqualTo(3);
        assertThat(acc.count).isEqualTo(6);

        BucketAccumulator many = new BucketAccumulator();
        for (int i = 0; i < 20_000; i++) {
            many.add(Aggregation.DISTINCT_COUNT, 0, "user-" + (i % 5000));
        }
        assertThat(many.value(Aggregation.DISTINCT_COUNT)).isCloseTo(5000, within(250.0));
    }

    @Test
    void storedAsPojoWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(BucketAccumulator.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SeriesMeta.class);
    }
}
