package dev.forestwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.nab.NabScorer.Profile;
import dev.forestwatch.nab.NabScorer.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Detection-quality floor in the regular build: the job with {@code config/jobs/nab.yaml} over a
 * few NAB files from five categories must score well above NAB's published Random Cut Forest on the
 * same files, so a change that makes the detector worse fails the build. (The full corpus is {@code
 * mvn -Pnab verify}.)
 */
class NabFloorITCase {

    /** Five files, five categories: contextual, holiday, spike and level-shift anomalies. */
    static final List<String> FILES =
            List.of(
                    "artificialWithAnomaly/art_daily_flatmiddle.csv",
                    "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv",
                    "realAdExchange/exchange-2_cpc_results.csv",
                    "realKnownCause/nyc_taxi.csv",
                    "realTraffic/speed_7578.csv");

    /**
     * NAB's published randomCutForest result files (numenta/NAB at ea702d7, {@code
     * results/randomCutForest/}) scored on {@link #FILES} alone with our {@link NabScorer} (one
     * threshold optimised over these five files, standard profile). Recomputed by {@code
     * NabGoldenResultsTest#publishedRandomCutForestOnTheFloorSubset} when {@code nab.results.dir}
     * is given.
     */
    static final double PUBLISHED_RCF_STANDARD = Double.NaN;

    /** The floor: our standard score on {@link #FILES} must reach this. */
    static final double FLOOR_STANDARD = Double.NaN;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void scoresWellAboveThePublishedRandomCutForestOnASubset() throws Exception {
        Path nabDir = NabLabels.defaultNabDir();
        JobSpec spec = JobSpecLoader.load(Path.of("..", "config", "jobs", "nab.yaml"));
        Map<String, NabJobRunner.FileRun> runs = NabJobRunner.runAll(spec, nabDir, FILES, 2);
        NabScorer scorer = new NabScorer(NabLabels.load(nabDir));
        Result r =
                scorer.score(
                        NabBenchmark.DETECTOR,
                        NabBenchmark.scoredRows(runs, NabBenchmark.CHOSEN_SCORE),
                        Profile.defaults());
        System.out.println("NAB floor subset: " + r.scoreboardLine());
        assertThat(FLOOR_STANDARD).isGreaterThan(PUBLISHED_RCF_STANDARD + 10);
        assertThat(r.score(Profile.STANDARD.name())).isGreaterThanOrEqualTo(FLOOR_STANDARD);
    }
}
