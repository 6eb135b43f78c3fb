package dev.forestwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forestwatch.nab.NabScorer.Breakdown;
import dev.forestwatch.nab.NabScorer.Candidate;
import dev.forestwatch.nab.NabScorer.Profile;
import dev.forestwatch.nab.NabScorer.ProfileResult;
import dev.forestwatch.nab.NabScorer.Result;
import dev.forestwatch.nab.NabScorer.ScoredRow;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed NAB scoring cases (formulas from {@code shared/docs/nab-scoring.md}).
 *
 * <p>Shared constants: sigma(y) = 2 / (1 + e^(5y)) - 1 = -tanh(2.5 y); e^-5 = 0.006737947, so
 * sigma(-1) = 2 / 1.006737947 - 1 = 0.986614298. Most cases use synthetic files of n = 100 rows
 * (5-minute cadence), so probation = min(floor(0.15 * 100), 750) = 15 rows and 85 rows are scored.
 */
class NabScorerTest {

    private static final double EPS = 1e-6;
    private static final double SIGMA_M1 = 0.986614298;
    private static final Profile STD = Profile.STANDARD;
    private static final Profile LOW_FP = Profile.REWARD_LOW_FP_RATE;
    private static final Profile LOW_FN = Profile.REWARD_LOW_FN_RATE;
    private static final LocalDateTime T0 = LocalDateTime.of(2020, 1, 1, 0, 0);

    // ------------------------------------------------------------------ building blocks

    @Test
    void scaledSigmoidMatchesReferenceValues() {
        assertThat(NabScorer.scaledSigmoid(-1)).isCloseTo(0.986614298, within(1e-9));
        assertThat(NabScorer.scaledSigmoid(-0.5)).isCloseTo(0.848283640, within(1e-9));
        assertThat(NabScorer.scaledSigmoid(0)).isEqualTo(0.0);
        assertThat(NabScorer.scaledSigmoid(1)).isCloseTo(-0.986614298, within(1e-9));
        assertThat(NabScorer.scaledSigmoid(3)).isCloseTo(-0.99999939, within(1e-8));
        // Hard clamp above 3.
        assertThat(NabScorer.scaledSigmoid(3.0001)).isEqualTo(-1.0);
        assertThat(NabScorer.scaledSigmoid(Double.POSITIVE_INFINITY)).isEqualTo(-1.0);
    }

    @Test
    void probationIsFifteenPercentCappedAt750Rows() {
        assertThat(NabScorer.probationLength(20)).isEqualTo(3); // floor(3.0)
        assertThat(NabScorer.probationLength(100)).isEqualTo(15); // floor(15.000000000000002)
        assertThat(NabScorer.probationLength(4999)).isEqualTo(749); // floor(749.85)
        assertThat(NabScorer.probationLength(5000)).isEqualTo(750);
        assertThat(NabScorer.probationLength(10320)).isEqualTo(750); // nyc_taxi, not 1548
    }

    @Test
    void profilesFileMatchesBuiltInProfiles() {
        List<Profile> loaded =
                Profile.load(NabLabels.defaultNabDir().resolve("config/profiles.json"));
        assertThat(loaded).containsExactlyElementsOf(Profile.defaults());
    }

    @Test
    void nycTaxiSizedWindowReproducesDocTestVectors() {
        // n = 1200 rows, one 207-row window on rows 300..506 (label row 403 at its centre).
        Synthetic f = new Synthetic(1200).window(300, 506);
        double[] s = f.scorer().rowScores(f.key, f.rows(), STD);
        assertThat(s[300]).isCloseTo(1.0, within(1e-12)); // y = -207/207 = -1
        assertThat(s[403]).isCloseTo(0.861500, within(EPS)); // y = -104/207 = -0.502415
        assertThat(s[506]).isCloseTo(0.012241, within(EPS)); // y = -1/207 = -0.004831
        assertThat(s[507]).isCloseTo(-0.001335, within(EPS)); // y = 1/206
        assertThat(s[506 + 103]).isCloseTo(-0.093311, within(EPS)); // y = 103/206 = 0.5
        assertThat(s[506 + 206]).isCloseTo(-0.108528, within(EPS)); // y = 1
        assertThat(s[506 + 619]).isEqualTo(-0.11); // y = 3.0049 > 3
        assertThat(s[299]).isEqualTo(-0.11); // before the first window
    }

    // ------------------------------------------------------------------ null and perfect

    @Test
    void nullDetectorScoresZero() {
        // Two files: A has windows 20..29 and 60..69, B has none. Constant score 0.5 everywhere.
        // Sweep: candidate 1.1 (nothing) = -2 fnWeight; candidate 0.5 (everything) = 2 window
        // terms (each 1.0, first rows) + 170 - 20 = 150 FP rows, each <= 0 -> far below -2 * 1.
        // The optimiser picks 1.1: raw = null = -2 (std, low FP) / -4 (low FN) -> NAB = 0.
        Synthetic a = new Synthetic("cat/a.csv", 100).window(20, 29).window(60, 69).fill(0.5);
        Synthetic b = new Synthetic("cat/b.csv", 100).fill(0.5);
        Result r = score(List.of(a, b));
        for (Profile p : Profile.defaults()) {
            ProfileResult pr = r.get(p.name());
            assertThat(pr.threshold()).isEqualTo(NabScorer.NOTHING_DETECTED);
            assertThat(pr.rawScore()).isEqualTo(-2 * p.fnWeight());
            assertThat(pr.nullScore()).isEqualTo(-2 * p.fnWeight());
            assertThat(pr.perfectScore()).isEqualTo(2.0);
            assertThat(pr.normalizedScore()).isEqualTo(0.0);
            assertThat(pr.totals().fp()).isZero();
            assertThat(pr.totals().fn()).isEqualTo(20);
            assertThat(pr.totals().tn()).isEqualTo(150); // 2 * 85 scored rows - 20
        }
    }

    @Test
    void perfectDetectorScoresHundred() {
        // Score 1 on the first row of every window, 0 elsewhere. Each window term:
        // y = -W/W = -1 -> sigma(-1) * tpWeight / sigma(-1) = 1.0. Candidates: 1.1 -> -2 fnWeight,
        // 1.0 -> 2.0 (no FP), 0.0 -> 2.0 + 150 FP penalties < 2.0. Threshold 1.0, raw 2 = perfect.
        Synthetic a = new Synthetic("cat/a.csv", 100).window(20, 29).window(60, 69);
        a.score(20, 1.0).score(60, 1.0);
        Synthetic b = new Synthetic("cat/b.csv", 100);
        Result r = score(List.of(a, b));
        for (Profile p : Profile.defaults()) {
            ProfileResult pr = r.get(p.name());
            assertThat(pr.threshold()).isEqualTo(1.0);
            assertThat(pr.rawScore()).isCloseTo(2.0, within(1e-12));
            assertThat(pr.normalizedScore()).isCloseTo(100.0, within(1e-9));
            assertThat(pr.totals().tp()).isEqualTo(2);
            assertThat(pr.totals().detectedWindows()).isEqualTo(2);
        }
    }

    // ------------------------------------------------------------------ single detections

    @Test
    void singleEarlyDetectionInsideWindow() {
        // Window rows 20..29 (W = 10), detection at row 22: y = -(29 - 22 + 1) / 10 = -0.8.
        // sigma(-0.8) = tanh(2) = 0.964027580; / sigma(-1) = 0.964027580 / 0.986614298
        // = 0.977106841. Standard raw = 0.977107, NAB = 100 (0.977107 + 1) / 2 = 98.855342.
        // Rows: 85 scored, 10 in window -> TP 1, FN 9, FP 0, TN 75.
        Synthetic f = new Synthetic(100).window(20, 29).score(22, 0.9);
        ProfileResult r = f.scorer().scoreAt(f.results(), STD, 0.5);
        assertThat(r.rawScore()).isCloseTo(0.977107, within(EPS));
        assertThat(r.rawScore()).isCloseTo(NabScorer.scaledSigmoid(-0.8) / SIGMA_M1, within(1e-9));
        assertThat(r.normalizedScore()).isCloseTo(98.855342, within(1e-5));
        Breakdown t = r.totals();
        assertThat(new long[] {t.tp(), t.fn(), t.fp(), t.tn()}).containsExactly(1, 9, 0, 75);
        assertThat(t.detectedWindows()).isEqualTo(1);

        // Low-FN profile: tpWeight is still 1 -> raw 0.977107, NAB = 100 (0.977107 + 2) / 3.
        ProfileResult lowFn = f.scorer().scoreAt(f.results(), LOW_FN, 0.5);
        assertThat(lowFn.normalizedScore()).isCloseTo(99.236895, within(1e-5));

        // Detection on the last window row: y = -1/10 -> tanh(0.25) = 0.244918662;
        // / 0.986614298 = 0.248241550.
        Synthetic late = new Synthetic(100).window(20, 29).score(29, 0.9);
        assertThat(late.scorer().scoreAt(late.results(), STD, 0.5).rawScore())
                .isCloseTo(0.248242, within(EPS));
    }

    @Test
    void falsePositivePenaltiesDependOnDistanceFromLastWindow() {
        // Window rows 20..29 (W' = 10, so W' - 1 = 9); n = 100.
        Synthetic f = new Synthetic(100).window(20, 29);
        double[] std = f.scorer().rowScores(f.key, f.rows(), STD);
        double[] lowFp = f.scorer().rowScores(f.key, f.rows(), LOW_FP);
        // Before the first window: full penalty -1 * fpWeight.
        assertThat(std[17]).isEqualTo(-0.11);
        assertThat(lowFp[17]).isEqualTo(-0.22);
        // Right after (row 30, distance 1): y = 1/9, sigma = -tanh(0.277778) = -0.270847;
        // * 0.11 = -0.029793, * 0.22 = -0.059586.
        assertThat(std[30]).isCloseTo(-0.029793, within(EPS));
        assertThat(lowFp[30]).isCloseTo(-0.059586, within(EPS));
        // Row 47, distance 18: y = 2, sigma = -tanh(5) = -0.999909 -> -0.109990.
        assertThat(std[47]).isCloseTo(-0.109990, within(EPS));
        // Row 57, distance 28: y = 3.11 > 3 -> exactly -0.11.
        assertThat(std[57]).isEqualTo(-0.11);

        // The same FPs scored end to end at threshold 0.5 (window missed: -1):
        // row 30 alone: -1 - 0.029793 = -1.029793; row 17 alone: -1.11, NAB 100 (-0.11) / 2 = -5.5.
        Synthetic after = new Synthetic(100).window(20, 29).score(30, 1.0);
        ProfileResult ra = after.scorer().scoreAt(after.results(), STD, 0.5);
        assertThat(ra.rawScore()).isCloseTo(-1.029793, within(EPS));
        assertThat(ra.totals().fp()).isEqualTo(1);
        Synthetic before = new Synthetic(100).window(20, 29).score(17, 1.0);
        ProfileResult rb = before.scorer().scoreAt(before.results(), STD, 0.5);
        assertThat(rb.rawScore()).isCloseTo(-1.11, within(1e-12));
        assertThat(rb.normalizedScore()).isCloseTo(-5.5, within(1e-9));
        // A file without windows: every alarm costs the full fpWeight.
        Synthetic empty = new Synthetic(100).score(50, 1.0).score(51, 1.0);
        assertThat(empty.scorer().scoreAt(empty.results(), STD, 0.5).rawScore())
                .isCloseTo(-0.22, within(1e-12));
    }

    @Test
    void falsePositiveUsesMostRecentlyEndedWindowWidth() {
        // Windows 20..29 (W 10) and 40..44 (W' = 5). Row 46 is 2 rows after the second window:
        // y = 2 / (5 - 1) = 0.5, sigma(0.5) = -tanh(1.25) = -0.848284; * 0.11 = -0.093311.
        // (With the first window it would be y = 17/9 -> -0.109983.)
        // Row 35, between the windows: distance 6 from row 29, y = 6/9 = 0.666667,
        // sigma = -tanh(1.666667) = -0.931109 -> -0.102422 (no look-ahead to the next window).
        Synthetic f = new Synthetic(100).window(20, 29).window(40, 44);
        double[] s = f.scorer().rowScores(f.key, f.rows(), STD);
        assertThat(s[46]).isCloseTo(-0.093311, within(EPS));
        assertThat(s[35]).isCloseTo(-0.102422, within(EPS));
        // In-window of the narrow window, first row: exactly +1.
        assertThat(s[40]).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void probationaryRowsAreIgnored() {
        // Probation = 15 rows (0..14). Alarms on rows 5 and 14 cost nothing and are no candidates.
        Synthetic f = new Synthetic(100).window(20, 29).score(5, 1.0).score(14, 0.8);
        NabScorer scorer = f.scorer();
        ProfileResult r = scorer.scoreAt(f.results(), STD, 0.5);
        assertThat(r.rawScore()).isEqualTo(-1.0); // just the missed window
        assertThat(r.totals().fp()).isZero();
        assertThat(r.totals().scoredRows()).isEqualTo(85);
        List<Candidate> sweep = scorer.sweep(f.results(), STD);
        assertThat(sweep).extracting(Candidate::threshold).containsExactly(1.1, 0.0);
        int[] tags = scorer.rowTags(f.key, f.rows());
        assertThat(tags[14]).isEqualTo(NabScorer.TAG_PROBATIONARY);
        assertThat(tags[15]).isEqualTo(NabScorer.TAG_NONE);
        assertThat(tags[20]).isEqualTo(0);
        // Row 15 is the first scored row: before the first window -> -0.11.
        Synthetic g = new Synthetic(100).window(20, 29).score(15, 1.0);
        assertThat(g.scorer().scoreAt(g.results(), STD, 0.5).rawScore())
                .isCloseTo(-1.11, within(1e-12));
    }

    @Test
    void windowEntirelyInProbationIsNeitherMissedNorCounted() {
        // n = 100, window rows 3..10 lies inside probation (0..14): no FN term, null score 0.
        // (Perfect still counts labelled windows: tpWeight * 1 = 1.) Raw at 1.1 = 0.
        Synthetic f = new Synthetic(100).window(3, 10);
        ProfileResult r = f.scorer().scoreAt(f.results(), STD, NabScorer.NOTHING_DETECTED);
        assertThat(r.rawScore()).isEqualTo(0.0);
        assertThat(r.nullScore()).isEqualTo(0.0);
        assertThat(r.totals().fn()).isZero();
    }

    @Test
    void onlyTheEarliestDetectionInAWindowCounts() {
        // Every row of window 20..29 fires: only row 20 counts, y = -1 -> exactly 1.0; 10 TP rows.
        Synthetic all = new Synthetic(100).window(20, 29);
        for (int i = 20; i <= 29; i++) {
            all.score(i, 1.0);
        }
        ProfileResult r = all.scorer().scoreAt(all.results(), STD, 0.5);
        assertThat(r.rawScore()).isCloseTo(1.0, within(1e-12));
        assertThat(r.totals().tp()).isEqualTo(10);
        assertThat(r.totals().fn()).isZero();

        // Row 25 scores higher (0.9) than the earlier row 22 (0.6). Sweep:
        //   1.1 -> -1 (missed)
        //   0.9 -> row 25: y = -(29 - 25 + 1)/10 = -0.5 -> 0.848284 / 0.986614 = 0.859793
        //   0.6 -> rows 25 and 22: the window keeps the earlier (larger) term 0.977107
        //   0.0 -> every row: 0.977107 + penalties of 75 outside rows (< 0)
        Synthetic f = new Synthetic(100).window(20, 29).score(25, 0.9).score(22, 0.6);
        List<Candidate> sweep = f.scorer().sweep(f.results(), STD);
        assertThat(sweep).extracting(Candidate::threshold).containsExactly(1.1, 0.9, 0.6, 0.0);
        assertThat(sweep.get(0).score()).isEqualTo(-1.0);
        assertThat(sweep.get(1).score()).isCloseTo(0.859793, within(EPS));
        assertThat(sweep.get(2).score()).isCloseTo(0.977107, within(EPS));
        assertThat(sweep.get(3).score()).isLessThan(0.977107 - 75 * 0.029);
        assertThat(sweep.get(2).tp()).isEqualTo(2);
        assertThat(sweep.get(2).fn()).isEqualTo(8);
        Candidate best = f.scorer().optimizeThreshold(f.results(), STD);
        assertThat(best.threshold()).isEqualTo(0.6);
    }

    // ------------------------------------------------------------------ threshold sweep

    @Test
    void sweepPicksBestThresholdPerProfile() {
        // n = 200 -> probation 30. Windows A = 40..49, B = 150..159 (W = 10). Baseline score 0.1.
        //   row 40 (A's first row)  0.9 -> term 1.0
        //   rows 100..107           0.6 -> 8 FPs, distance >= 51 from row 49: y >= 51/9 > 3,
        //                                  each -fpWeight
        //   row 159 (B's last row)  0.5 -> y = -0.1 -> 0.244919 / 0.986614 = 0.248242
        // Candidates (standard: fp 0.11, fn 1):
        //   1.1: -2;  0.9: -1 + 1 = 0;  0.6: 0 - 8 * 0.11 = -0.88;
        //   0.5: -0.88 + 1 (B no longer missed) + 0.248242 = 0.368242;  0.1: everything, << 0.
        //   -> 0.5, NAB = 100 (0.368242 + 2) / 4 = 59.206039
        // low FP (fp 0.22): 1.1: -2; 0.9: 0; 0.6: -1.76; 0.5: -0.511758 -> 0.9, NAB = 50
        // low FN (fn 2): 1.1: -4; 0.9: -1; 0.6: -1.88; 0.5: 0.368242 -> 0.5,
        //   NAB = 100 (0.368242 + 4) / 6 = 72.804026
        Synthetic f = new Synthetic(200).window(40, 49).window(150, 159).fill(0.1);
        f.score(40, 0.9).score(159, 0.5);
        for (int i = 100; i <= 107; i++) {
            f.score(i, 0.6);
        }
        NabScorer scorer = f.scorer();
        List<Candidate> std = scorer.sweep(f.results(), STD);
        assertThat(std).extracting(Candidate::threshold).containsExactly(1.1, 0.9, 0.6, 0.5, 0.1);
        assertThat(std.get(0).score()).isEqualTo(-2.0);
        assertThat(std.get(1).score()).isCloseTo(0.0, within(1e-12));
        assertThat(std.get(2).score()).isCloseTo(-0.88, within(1e-12));
        assertThat(std.get(3).score()).isCloseTo(0.368242, within(EPS));
        assertThat(std.get(4).score()).isLessThan(-2.0);

        Result r = score(List.of(f));
        assertThat(r.threshold("standard")).isEqualTo(0.5);
        assertThat(r.score("standard")).isCloseTo(59.206039, within(1e-5));
        assertThat(r.threshold("reward_low_FP_rate")).isEqualTo(0.9);
        assertThat(r.score("reward_low_FP_rate")).isCloseTo(50.0, within(1e-9));
        assertThat(r.threshold("reward_low_FN_rate")).isEqualTo(0.5);
        assertThat(r.score("reward_low_FN_rate")).isCloseTo(72.804026, within(1e-5));
        // The re-scored raw equals the sweep's best candidate.
        assertThat(r.get("standard").rawScore()).isCloseTo(std.get(3).score(), within(1e-12));
        Breakdown t = r.get("standard").totals();
        assertThat(new long[] {t.tp(), t.fp(), t.fn()}).containsExactly(2, 8, 18);
    }

    @Test
    void sweepTiesGoToTheHighestThreshold() {
        // Row 22 = 0.9 (term 0.977107), row 24 = 0.8 (same window, adds nothing): candidates 0.9
        // and 0.8 both score 0.977107 exactly; the optimiser keeps 0.9.
        Synthetic f = new Synthetic(100).window(20, 29).score(22, 0.9).score(24, 0.8);
        List<Candidate> sweep = f.scorer().sweep(f.results(), STD);
        assertThat(sweep.get(1).score()).isEqualTo(sweep.get(2).score());
        assertThat(f.scorer().optimizeThreshold(f.results(), STD).threshold()).isEqualTo(0.9);
    }

    @Test
    void sweepPoolsFilesWithOneSharedThreshold() {
        // File a: window 20..29, row 20 = 0.9 (term 1.0). File b: no windows, row 50 = 0.9 (FP,
        // -0.11) and row 60 = 0.4 (FP). Pooled: 1.1 -> -1; 0.9 -> 1.0 - 0.11 = 0.89; 0.4 -> 0.78;
        // 0.0 -> everything. Shared threshold 0.9, raw 0.89 = sum of the files' scores at 0.9.
        Synthetic a = new Synthetic("x/a.csv", 100).window(20, 29).score(20, 0.9);
        Synthetic b = new Synthetic("y/b.csv", 100).score(50, 0.9).score(60, 0.4);
        ProfileResult r = score(List.of(a, b)).get("standard");
        assertThat(r.threshold()).isEqualTo(0.9);
        assertThat(r.rawScore()).isCloseTo(0.89, within(1e-12));
        assertThat(r.files().get("x/a.csv").rawScore()).isCloseTo(1.0, within(1e-12));
        assertThat(r.files().get("y/b.csv").rawScore()).isCloseTo(-0.11, within(1e-12));
        assertThat(r.categories().keySet()).containsExactly("x", "y");
        assertThat(r.normalizedScore()).isCloseTo(100 * (0.89 + 1) / 2, within(1e-9));
    }

    @Test
    void thresholdBelowEveryScoreDetectsEverythingAndBadScoresAreRejected() {
        // All 85 scored rows at 0.5 detected at threshold 0.2 (NAB's Python would crash here).
        Synthetic f = new Synthetic(100).fill(0.5);
        ProfileResult r = f.scorer().scoreAt(f.results(), STD, 0.2);
        assertThat(r.totals().fp()).isEqualTo(85);
        assertThat(r.rawScore()).isCloseTo(-0.11 * 85, within(1e-9));

        Synthetic bad = new Synthetic(100).score(50, 1.5);
        assertThatThrownBy(() -> bad.scorer().scoreAt(bad.results(), STD, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ helpers

    private static Result score(List<Synthetic> files) {
        Map<String, List<NabLabels.Window>> windows = new TreeMap<>();
        Map<String, List<ScoredRow>> results = new LinkedHashMap<>();
        for (Synthetic s : files) {
            windows.put(s.key, s.windows);
            results.put(s.key, s.rows());
        }
        return new NabScorer(NabLabels.of(windows)).score("test", results, Profile.defaults());
    }

    /** A synthetic data file: 5-minute rows from 2020-01-01, scores 0 unless set. */
    private static final class Synthetic {
        final String key;
        final double[] scores;
        final List<NabLabels.Window> windows = new ArrayList<>();

        Synthetic(int n) {
            this("synthetic/file.csv", n);
        }

        Synthetic(String key, int n) {
            this.key = key;
            this.scores = new double[n];
        }

        static LocalDateTime time(int row) {
            return T0.plusMinutes(5L * row);
        }

        Synthetic window(int startRow, int endRow) {
            windows.add(new NabLabels.Window(time(startRow), time(endRow)));
            return this;
        }

        Synthetic score(int row, double score) {
            scores[row] = score;
            return this;
        }

        Synthetic fill(double score) {
            Arrays.fill(scores, score);
            return this;
        }

        List<ScoredRow> rows() {
            List<ScoredRow> rows = new ArrayList<>();
            for (int i = 0; i < scores.length; i++) {
                rows.add(new ScoredRow(time(i), scores[i]));
            }
            return rows;
        }

        Map<String, List<ScoredRow>> results() {
            return Map.of(key, rows());
        }

        NabScorer scorer() {
            return new NabScorer(NabLabels.of(Map.of(key, windows)));
        }
    }
}
