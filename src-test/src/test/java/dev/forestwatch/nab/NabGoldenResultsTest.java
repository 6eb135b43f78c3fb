package dev.forestwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forestwatch.nab.NabScorer.Breakdown;
import dev.forestwatch.nab.NabScorer.Profile;
import dev.forestwatch.nab.NabScorer.ProfileResult;
import dev.forestwatch.nab.NabScorer.Result;
import dev.forestwatch.nab.NabScorer.ScoredRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Golden check against NAB's committed detector results (not shipped here): runs only when the
 * system property {@code nab.results.dir} or the environment variable {@code NAB_RESULTS_DIR} names
 * a {@code results/} directory of github:numenta/NAB (e.g. commit ea702d7), e.g. {@code mvn ...
 * -Dnab.results.dir=/path/to/NAB/results}. Expected numbers: nab-scoring.md §6.3, §7.
 */
class NabGoldenResultsTest {

    @Test
    void randomCutForestReproducesThePublishedScoreboard() throws Exception {
        Path results = resultsDir();
        Result r = score(results, "randomCutForest");
        assertThat(r.score("standard")).isCloseTo(51.717054557, within(1e-6));
        assertThat(r.score("reward_low_FP_rate")).isCloseTo(38.360772142, within(1e-6));
        assertThat(r.score("reward_low_FN_rate")).isCloseTo(59.748764763, within(1e-6));
        assertThat(r.threshold("standard")).isCloseTo(0.454019, within(1e-6));
        assertThat(r.threshold("reward_low_FP_rate")).isCloseTo(0.575366, within(1e-6));
        assertThat(r.threshold("reward_low_FN_rate")).isCloseTo(0.448061, within(1e-6));
        Breakdown t = r.get("standard").totals();
        assertThat(new long[] {t.tp(), t.tn(), t.fp(), t.fn()})
                .containsExactly(473, 298_963, 384, 33_022);
        assertThat(t.rawScore()).isCloseTo(3.98356657241, within(1e-9));

        // Every per-file row of the committed summaries (written at the old optimiser's
        // thresholds, which select the same detections).
        for (Profile p : Profile.defaults()) {
            ProfileResult pr = r.get(p.name());
            Path csv =
                    results.resolve("randomCutForest")
                            .resolve("randomCutForest_" + p.name() + "_scores.csv");
            List<String> lines = Files.readAllLines(csv);
            int checked = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (f[0].equals("Totals")) {
                    continue;
                }
                Breakdown b = pr.files().get(f[2]);
                assertThat(b).as(f[2]).isNotNull();
                assertThat(b.rawScore()).as(f[2]).isCloseTo(Double.parseDouble(f[4]), within(1e-9));
                assertThat(new long[] {b.tp(), b.tn(), b.fp(), b.fn()})
                        .as(f[2])
                        .containsExactly(
                                Long.parseLong(f[5]),
                                Long.parseLong(f[6]),
                                Long.parseLong(f[7]),
                                Long.parseLong(f[8]));
                checked++;
            }
            assertThat(checked).isEqualTo(58);
        }
    }

    @Test
    void artimeReproducesThePublishedScoreboard() {
        Result r = score(resultsDir(), "ARTime");
        assertThat(r.score("standard")).isCloseTo(74.853772232, within(1e-6));
        assertThat(r.score("reward_low_FP_rate")).isCloseTo(65.154000180, within(1e-6));
        assertThat(r.score("reward_low_FN_rate")).isCloseTo(80.362284936, within(1e-6));
    }

    @Test
    void publishedRandomCutForestOnTheFloorSubset() {
        Path results = resultsDir();
        Path nabDir = NabLabels.defaultNabDir();
        Map<String, List<ScoredRow>> in = new TreeMap<>();
        Map<String, List<NabResultFiles.ResultRow>> all =
                NabResultFiles.read(results, "randomCutForest");
        for (String key : NabFloorITCase.FILES) {
            in.put(
                    key,
                    NabResultFiles.alignToData(
                            key, NabResultFiles.readData(nabDir, key), all.get(key)));
        }
        Result r =
                new NabScorer(NabLabels.load(nabDir))
                        .score("randomCutForest", in, Profile.defaults());
        System.out.println("published RCF on the floor subset: " + r.scoreboardLine());
        assertThat(r.score("standard"))
                .isCloseTo(NabFloorITCase.PUBLISHED_RCF_STANDARD, within(1e-3));
    }

    private static Path resultsDir() {
        String dir = System.getProperty("nab.results.dir", System.getenv("NAB_RESULTS_DIR"));
        Assumptions.assumeTrue(
                dir != null && Files.isDirectory(Path.of(dir).resolve("randomCutForest")),
                "set -Dnab.results.dir to NAB's results/ directory to run");
        return Path.of(dir);
    }

    private static Result score(Path results, String detector) {
        Path nabDir = NabLabels.defaultNabDir();
        NabLabels labels = NabLabels.load(nabDir);
        Map<String, List<ScoredRow>> in = new TreeMap<>();
        for (Map.Entry<String, List<NabResultFiles.ResultRow>> e :
                NabResultFiles.read(results, detector).entrySet()) {
            in.put(
                    e.getKey(),
                    NabResultFiles.alignToData(
                            e.getKey(), NabResultFiles.readData(nabDir, e.getKey()), e.getValue()));
        }
        assertThat(in).hasSize(58);
        return new NabScorer(labels).score(detector, in, Profile.defaults());
    }
}
