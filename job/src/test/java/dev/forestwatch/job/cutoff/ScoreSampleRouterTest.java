package dev.forestwatch.job.cutoff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.job.config.CutoffSpec;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ScoreSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Which records become score samples, and under which data kind. */
class ScoreSampleRouterTest {

    static CutoffSpec spec(CutoffSpec.Per per) {
        return new CutoffSpec(
                CutoffSpec.Method.MEAN_PLUS_K_SIGMA,
                3.0,
                0.995,
                Duration.ofDays(7),
                Duration.ofHours(1),
                per,
                "taxi_ridership",
                100);
    }

    static RecordResult record(
            int detector,
            String partition,
            String by,
            double rawScore,
            boolean modelReady,
            boolean interim) {
        return new RecordResult(
                "id",
                "job",
                1_704_067_200_000L,
                300,
                detector,
                "mean",
                new String[] {"rides"},
                by == null ? null : "zone",
                by,
                partition == null ? null : "city",
                partition,
                new double[] {1.0},
                null,
                null,
                null,
                null,
                null,
                0.0,
                "reason",
                new String[0],
                new String[0],
                rawScore,
                0.0,
                1.0,
                0.9,
                12,
                1_704_067_200_000L,
                modelReady,
                1_000,
                interim,
                Double.NaN,
                Double.NaN,
                Double.NaN);
    }

    @Test
    void dataKindPerJobDetectorAndSeries() {
        RecordResult full = record(2, "nyc", "jfk", 1.5, true, false);
        RecordResult byOnly = record(0, null, "jfk", 1.5, true, false);
        RecordResult bare = record(1, null, null, 1.5, true, false);

        CutoffSpec job = spec(CutoffSpec.Per.JOB);
        assertThat(ScoreSampleRouter.dataKindOf(job, full)).isEqualTo("taxi_ridership");
        assertThat(ScoreSampleRouter.dataKindOf(job, bare)).isEqualTo("taxi_ridership");

        CutoffSpec detector = spec(CutoffSpec.Per.DETECTOR);
        assertThat(ScoreSampleRouter.dataKindOf(detector, full)).isEqualTo("taxi_ridership/2");
        assertThat(ScoreSampleRouter.dataKindOf(detector, bare)).isEqualTo("taxi_ridership/1");

        CutoffSpec series = spec(CutoffSpec.Per.SERIES);
        assertThat(ScoreSampleRouter.dataKindOf(series, full))
                .isEqualTo("taxi_ridership/2/nyc/jfk");
        assertThat(ScoreSampleRouter.dataKindOf(series, byOnly)).isEqualTo("taxi_ridership/0//jfk");
        assertThat(ScoreSampleRouter.dataKindOf(series, bare)).isEqualTo("taxi_ridership/1//");
    }

    @Test
    void emitsFinalReadyRecordsOnly() throws Exception {
        ScoreSampleRouter router = new ScoreSampleRouter(spec(CutoffSpec.Per.SERIES));
        List<ScoreSample> out = new ArrayList<>();
        Collector<ScoreSample> collector =
                new Collector<>() {
                    @Override
                    public void collect(ScoreSample sample) {
                        out.add(sample);
                    }

                    @Override
                    public void close() {}
                };

        router.flatMap(record(0, "nyc", "jfk", 2.5, true, false), collector);
        router.flatMap(record(0, "nyc", "jfk", 9.0, true, true), collector); // interim
        router.flatMap(record(0, "nyc", "jfk", 0.0, false, false), collector); // warming up
        router.flatMap(record(0, "nyc", "jfk", 0.0, false, true), collector);
        router.flatMap(record(1, null, "lga", 0.75, true, false), collector);

        assertThat(out)
                .containsExactly(
                        new ScoreSample("taxi_ridership/0/nyc/jfk", 1_704_067_200_000L, 2.5),
                        new ScoreSample("taxi_ridership/1//lga", 1_704_067_200_000L, 0.75));
    }

    @Test
    void routerIsSerializable() throws Exception {
        ScoreSampleRouter router = new ScoreSampleRouter(spec(CutoffSpec.Per.DETECTOR));
        ScoreSampleRouter copy = InstantiationUtil.clone(router, getClass().getClassLoader());
        List<ScoreSample> out = new ArrayList<>();
        copy.flatMap(
                record(3, null, null, 1.0, true, false),
                new Collector<>() {
                    @Override
                    public void collect(ScoreSample sample) {
                        out.add(sample);
                    }

                    @Override
                    public void close() {}
                });
        assertThat(out).extracting(ScoreSample::dataKind).containsExactly("taxi_ridership/3");
    }
}
