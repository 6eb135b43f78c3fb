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
     * Six files from five categories (about 24k rows), including nyc_taxi. Apart from nyc_taxi they
     * are files where the published RCF (shingle 1) misses anomalies that shingling and alertOnce
     * find (a spike-density change, a load-balancer spike pattern, a disk-write burst, a CPM shift,
     * a travel-time change), and one (speed_7578) whose windows the forest grades only partly and
     * the new-extreme rule finds, so a change that loses what our settings add shows up here. It is
     * a regression guard, not a fair sample of the corpus.
     */
    static final List<String> FILES =
            List.of(
                    "artificialWithAnomaly/art_load_balancer_spikes.csv",
                    "realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv",
                    "realAdExchange/exchange-2_cpm_results.csv",
                    "realKnownCause/nyc_taxi.csv",
                    "realTraffic/TravelTime_387.csv",
                    "realTraffic/speed_7578.csv");

    /**
     * NAB's published randomCutForest result files (numenta/NAB at ea702d7, {@code
     * results/randomCutForest/}) scored on {@link #FILES} alone with our {@link NabScorer} (one
     * threshold optimised over these five files, standard profile). Recomputed by {@code
     * NabGoldenResultsTest#publishedRandomCutForestOnTheFloorSubset} when {@code nab.results.dir}
     * is given. Measured 2026-11-23: 47.011 standard (19.352 low FP, 59.118 low FN).
     */
    static final double PUBLISHED_RCF_STANDARD = 47.011;

    /**
     * The floor per profile for {@code record_score} on {@link #FILES}, far above the published RCF
     * ({@value #PUBLISHED_RCF_STANDARD} standard on the first five files). Measured 2026-12-07 on
     * all six: record_score 82.682 / 79.057 / 86.371, the grade alone 76.991 / 71.316 / 80.494
     * (runs are deterministic), so the margin is for deliberate, small trade-offs elsewhere.
     */
    static final Map<String, Double> FLOOR =
            Map.of("standard", 78.0, "reward_low_FP_rate", 75.0, "reward_low_FN_rate", 82.0);

    /**
     * How far above the grade's own standard score record_score must be on this subset: the
     * new-extreme rule adds 5.7 here (without it, measured: 78.02 against the grade's 76.99, and
     * the low-FP floor fails).
     */
    static final double GAIN_OVER_GRADE = 3.0;

    /** nyc_taxi windows record_score must find at the subset's threshold (of 5). */
    static final int NYC_WINDOWS = 4;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void theUserFacingScoreScoresWellAboveThePublishedRandomCutForestOnASubset() throws Exception {
        Path nabDir = NabLabels.defaultNabDir();
        JobSpec spec = JobSpecLoader.load(Path.of("..", "config", "jobs", "nab.yaml"));
        Map<String, NabJobRunner.FileRun> runs = NabJobRunner.runAll(spec, nabDir, FILES, 2);
        NabScorer scorer = new NabScorer(NabLabels.load(nabDir));
        Result recordScore =
                scorer.score(
                        NabBenchmark.DETECTOR,
                        NabBenchmark.scoredRows(runs, NabAnomalyScore.RECORD_SCORE),
                        Profile.defaults());
        Result grade =
                scorer.score(
                        NabBenchmark.DETECTOR,
                        NabBenchmark.scoredRows(runs, NabAnomalyScore.GRADE),
                        Profile.defaults());
        System.out.println("NAB floor subset, record_score: " + recordScore.scoreboardLine());
        System.out.println("NAB floor subset, grade:        " + grade.scoreboardLine());
        for (Profile p : Profile.defaults()) {
            assertThat(recordScore.score(p.name()))
                    .as("record_score, %s", p.name())
                    .isGreaterThanOrEqualTo(FLOOR.get(p.name()));
        }
        // the 0-100 score users alert on ranks clearly better than the forest's own grade
        assertThat(recordScore.score(Profile.STANDARD.name()))
                .isGreaterThanOrEqualTo(grade.score(Profile.STANDARD.name()) + GAIN_OVER_GRADE);
        // seasonal memory: the holidays of seed 000's data are found
        NabReport.Detections nyc =
                NabReport.detections(
                        scorer,
                        NabReport.NYC_TAXI,
                        NabBenchmark.scoredRows(runs, NabAnomalyScore.RECORD_SCORE)
                                .get(NabReport.NYC_TAXI),
                        recordScore.threshold(Profile.STANDARD.name()),
                        Profile.STANDARD);
        assertThat(nyc.windows().stream().filter(w -> w.firstDetection() != null).count())
                .as("nyc_taxi windows found: %s", nyc.summary())
                .isGreaterThanOrEqualTo(NYC_WINDOWS);
    }
}
