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

    /**
     * Five files from five categories (about 23k rows), including nyc_taxi. Apart from nyc_taxi
     * they are files where the published RCF (shingle 1) misses anomalies that shingling and
     * alertOnce find (a spike-density change, a load-balancer spike pattern, a disk-write burst, a
     * CPM shift, a travel-time change), so a change that loses what our settings add shows up here.
     * It is a regression guard, not a fair sample of the corpus.
     */
    static final List<String> FILES =
            List.of(
                    "artificialWithAnomaly/art_load_balancer_spikes.csv",
                    "realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv",
                    "realAdExchange/exchange-2_cpm_results.csv",
                    "realKnownCause/nyc_taxi.csv",
                    "realTraffic/TravelTime_387.csv");

    /**
     * NAB's published randomCutForest result files (numenta/NAB at ea702d7, {@code
     * results/randomCutForest/}) scored on {@link #FILES} alone with our {@link NabScorer} (one
     * threshold optimised over these five files, standard profile). Recomputed by {@code
     * NabGoldenResultsTest#publishedRandomCutForestOnTheFloorSubset} when {@code nab.results.dir}
     * is given. Measured 2026-11-23: 47.011 standard (19.352 low FP, 59.118 low FN).
     */
    static final double PUBLISHED_RCF_STANDARD = 47.011;

    /**
     * The floor: our standard score on {@link #FILES} must reach this, 13 points above the
     * published RCF. The final {@code nab.yaml} scores 66.192 here (64.842 low FP, 73.876 low FN;
     * runs are deterministic), so the margin below is for deliberate, small trade-offs elsewhere.
     */
    static final double FLOOR_STANDARD = 60.0;

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
