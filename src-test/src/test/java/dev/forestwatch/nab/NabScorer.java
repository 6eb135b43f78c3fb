package dev.forestwatch.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Numenta Anomaly Benchmark scorer, written from the algorithm description in {@code
 * shared/docs/nab-scoring.md} (NAB v1.0/v1.1, current "sweep" optimiser).
 *
 * <p>Per file: rows before the probationary period ({@code min(floor(0.15 n), 750)}) are ignored;
 * every row gets a "sweep score" from the scaled sigmoid of its position relative to the windows; a
 * window scores the sweep score of its earliest detected row (or {@code -fnWeight} if none is
 * detected); every detected row outside windows adds its (negative) sweep score. One threshold per
 * profile, shared by all files, is chosen by an exhaustive sweep over the distinct anomaly scores;
 * the corpus score is normalised as {@code 100 (raw - null) / (perfect - null)}.
 */
public final class NabScorer {

    /** Candidate threshold meaning "nothing detected" (NAB's sweep starts with it). */
    public static final double NOTHING_DETECTED = 1.1;

    /** Fraction of each file that is probationary. */
    public static final double PROBATION_PERCENT = 0.15;

    /** Rows used for the probation cap: probation never exceeds 0.15 * 5000 = 750 rows. */
    public static final int PROBATION_CAP_ROWS = 5000;

    /** Tag of rows outside all windows (for {@link #rowTags}). */
    public static final int TAG_NONE = -1;

    /** Tag of probationary rows (for {@link #rowTags}); overrides window membership. */
    public static final int TAG_PROBATIONARY = -2;

    private static final double SIGMA_MINUS_ONE = scaledSigmoid(-1.0);

    /** A NAB cost matrix. All weights are positive magnitudes; {@code tnWeight} is never used. */
    public record Profile(
            String name, double tpWeight, double fnWeight, double fpWeight, double tnWeight) {

        /** {@code standard}: A_TP 1, A_FP 0.11, A_FN 1. */
        public static final Profile STANDARD = new Profile("standard", 1.0, 1.0, 0.11, 1.0);

        /** {@code reward_low_FP_rate}: A_TP 1, A_FP 0.22, A_FN 1. */
        public static final Profile REWARD_LOW_FP_RATE =
                new Profile("reward_low_FP_rate", 1.0, 1.0, 0.22, 1.0);

        /** {@code reward_low_FN_rate}: A_TP 1, A_FP 0.11, A_FN 2. */
        public static final Profile REWARD_LOW_FN_RATE =
                new Profile("reward_low_FN_rate", 1.0, 2.0, 0.11, 1.0);

        /** Validates the name and weights. */
        public Profile {
            Objects.requireNonNull(name, "name");
            if (!(tpWeight >= 0 && fnWeight >= 0 && fpWeight >= 0)) {
                throw new IllegalArgumentException("weights must be non-negative: " + name);
            }
        }

        /** The three NAB profiles, in NAB's order (standard, low FP, low FN). */
        public static List<Profile> defaults() {
            return List.of(STANDARD, REWARD_LOW_FP_RATE, REWARD_LOW_FN_RATE);
        }

        /** Reads {@code config/profiles.json} ({@code {name: {"CostMatrix": {...}}}}). */
        public static List<Profile> load(Path profilesJson) {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(profilesJson.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + profilesJson, e);
            }
            List<Profile> out = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode m = e.getValue().path("CostMatrix");
                out.add(
                        new Profile(
                                e.getKey(),
                                required(m, "tpWeight", e.getKey()),
                                required(m, "fnWeight", e.getKey()),
                                required(m, "fpWeight", e.getKey()),
                                m.path("tnWeight").asDouble(1.0)));
            }
            return List.copyOf(out);
        }

        private static double required(JsonNode matrix, String field, String profile) {
            JsonNode v = matrix.get(field);
            if (v == null || !v.isNumber()) {
                throw new IllegalArgumentException(profile + ": missing " + field);
            }
            return v.asDouble();
        }
    }

    /** One row of a detector's output: the data row's timestamp and its anomaly score in [0, 1]. */
    public record ScoredRow(LocalDateTime timestamp, double anomalyScore) {}

    /**
     * One point of the threshold sweep: the score (and row counts over non-probationary rows)
     * obtained when every row with {@code anomalyScore >= threshold} is a detection.
     */
    public record Candidate(double threshold, double score, long tp, long tn, long fp, long fn) {}

    /**
     * Scores and counts of one file, one category or the whole corpus at one threshold. Counts are
     * rows over non-probationary rows (TP = detected in-window rows, FN = undetected in-window
     * rows, FP = detected rows outside windows, TN = the rest); {@code windows} is the number of
     * labelled windows, {@code detectedWindows} those with at least one detection. {@code rawScore
     * = tpScore + fpScore + fnScore}.
     */
    public record Breakdown(
            String name,
            int files,
            int windows,
            int detectedWindows,
            long tp,
            long tn,
            long fp,
            long fn,
            double tpScore,
            double fpScore,
            double fnScore,
            double rawScore) {

        /** Number of non-probationary rows. */
        public long scoredRows() {
            return tp + tn + fp + fn;
        }

        static Breakdown sum(String name, List<Breakdown> parts) {
            int files = 0;
            int windows = 0;
            int detected = 0;
            long tp = 0;
            long tn = 0;
            long fp = 0;
            long fn = 0;
            double tpScore = 0;
            double fpScore = 0;
            double fnScore = 0;
            double raw = 0;
            for (Breakdown b : parts) {
                files += b.files;
                windows += b.windows;
                detected += b.detectedWindows;
                tp += b.tp;
                tn += b.tn;
                fp += b.fp;
                fn += b.fn;
                tpScore += b.tpScore;
                fpScore += b.fpScore;
                fnScore += b.fnScore;
                raw += b.rawScore;
            }
            return new Breakdown(
                    name, files, windows, detected, tp, tn, fp, fn, tpScore, fpScore, fnScore, raw);
        }
    }

    /**
     * Score of one detector under one profile at one threshold. {@code rawScore} is NAB's "Totals"
     * score (sum of the file scores); {@code normalizedScore = 100 (raw - null) / (perfect -
     * null)}. {@code files} is keyed by file key, {@code categories} by category; both are sorted.
     */
    public record ProfileResult(
            Profile profile,
            double threshold,
            double rawScore,
            double nullScore,
            double perfectScore,
            double normalizedScore,
            Breakdown totals,
            Map<String, Breakdown> files,
            Map<String, Breakdown> categories) {}

    /** Scores of one detector under several profiles, keyed by profile name in input order. */
    public record Result(String detector, Map<String, ProfileResult> profiles) {

        /** Normalised NAB score under the named profile. */
        public double score(String profileName) {
            return get(profileName).normalizedScore();
        }

        /** Threshold used for the named profile. */
        public double threshold(String profileName) {
            return get(profileName).threshold();
        }

        /** The result of the named profile; throws if it was not scored. */
        public ProfileResult get(String profileName) {
            ProfileResult r = profiles.get(profileName);
            if (r == null) {
                throw new IllegalArgumentException("profile not scored: " + profileName);
            }
            return r;
        }

        /** One scoreboard line: detector name and each profile's normalised score (3 decimals). */
        public String scoreboardLine() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s", detector));
            for (ProfileResult r : profiles.values()) {
                sb.append(
                        String.format(
                                Locale.ROOT,
                                " %s=%.3f (raw %.4f, threshold %.6f)",
                                r.profile().name(),
                                r.normalizedScore(),
                                r.rawScore(),
                                r.threshold()));
            }
            return sb.toString();
        }
    }

    private final NabLabels labels;

    /** Creates a scorer against the given windows. */
    public NabScorer(NabLabels labels) {
        this.labels = Objects.requireNonNull(labels, "labels");
    }

    /** The windows this scorer uses. */
    public NabLabels labels() {
        return labels;
    }

    /** Probationary rows of a file with {@code rows} rows: {@code min(floor(0.15 rows), 750)}. */
    public static int probationLength(int rows) {
        return (int)
                Math.min(
                        Math.floor(PROBATION_PERCENT * rows),
                        PROBATION_PERCENT * PROBATION_CAP_ROWS);
    }

    /** NAB's scaled sigmoid: {@code 2 / (1 + exp(5y)) - 1}, and exactly -1 for {@code y > 3}. */
    public static double scaledSigmoid(double y) {
        if (y > 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    /** {@code 100 (raw - nullScore) / (perfect - nullScore)}. */
    public static double normalize(double raw, double nullScore, double perfectScore) {
        return 100.0 * (raw - nullScore) / (perfectScore - nullScore);
    }

    /**
     * The per-row sweep score s_i of one file (NAB's {@code S(t)_<profile>} column): the weighted
     * TP reward for in-window rows, the weighted FP penalty for the others; probationary rows get
     * their value too although the scorer ignores them.
     */
    public double[] rowScores(String fileKey, List<ScoredRow> rows, Profile profile) {
        return prepare(fileKey, rows).sweepScores(profile);
    }

    /**
     * Row tags of one file: the 0-based index of the window a row is in, {@link #TAG_NONE} outside
     * all windows, {@link #TAG_PROBATIONARY} in the probationary period.
     */
    public int[] rowTags(String fileKey, List<ScoredRow> rows) {
        PreparedFile f = prepare(fileKey, rows);
        int[] tags = f.windowOfRow.clone();
        for (int i = 0; i < Math.min(f.probation, tags.length); i++) {
            tags[i] = TAG_PROBATIONARY;
        }
        return tags;
    }

    /**
     * NAB's threshold sweep over all given files pooled: the candidates in descending threshold
     * order, starting with {@link #NOTHING_DETECTED}; candidate t records the score with all rows
     * of anomaly score &gt;= t detected.
     */
    public List<Candidate> sweep(Map<String, List<ScoredRow>> results, Profile profile) {
        return sweep(prepareAll(results), profile);
    }

    /** The sweep candidate with the highest score; ties go to the highest threshold. */
    public Candidate optimizeThreshold(Map<String, List<ScoredRow>> results, Profile profile) {
        return best(sweep(results, profile));
    }

    /**
     * Scores the given files at a fixed threshold (a row is a detection iff its anomaly score is
     * &gt;= threshold). Null and perfect scores are those of the given files; pass all 58 corpus
     * files for the official NAB score.
     */
    public ProfileResult scoreAt(
            Map<String, List<ScoredRow>> results, Profile profile, double threshold) {
        return scoreAt(prepareAll(results), profile, threshold);
    }

    /** Optimises the threshold for the profile (as NAB does), then scores at it. */
    public ProfileResult score(Map<String, List<ScoredRow>> results, Profile profile) {
        List<PreparedFile> files = prepareAll(results);
        Candidate best = best(sweep(files, profile));
        return scoreAt(files, profile, best.threshold());
    }

    /** Optimises and scores every profile. */
    public Result score(
            String detector, Map<String, List<ScoredRow>> results, List<Profile> profiles) {
        List<PreparedFile> files = prepareAll(results);
        Map<String, ProfileResult> out = new LinkedHashMap<>();
        for (Profile p : profiles) {
            Candidate best = best(sweep(files, p));
            out.put(p.name(), scoreAt(files, p, best.threshold()));
        }
        return new Result(detector, Collections.unmodifiableMap(out));
    }

    /** Scores every profile at the given fixed thresholds (keyed by profile name). */
    public Result scoreAt(
            String detector,
            Map<String, List<ScoredRow>> results,
            List<Profile> profiles,
            Map<String, Double> thresholds) {
        List<PreparedFile> files = prepareAll(results);
        Map<String, ProfileResult> out = new LinkedHashMap<>();
        for (Profile p : profiles) {
            Double t = thresholds.get(p.name());
            if (t == null) {
                throw new IllegalArgumentException("no threshold for profile " + p.name());
            }
            out.put(p.name(), scoreAt(files, p, t));
        }
        return new Result(detector, Collections.unmodifiableMap(out));
    }

    // ---------------------------------------------------------------------------------------

    private static Candidate best(List<Candidate> candidates) {
        Candidate best = candidates.get(0);
        for (Candidate c : candidates) {
            if (c.score() > best.score()) {
                best = c;
            }
        }
        return best;
    }

    private List<Candidate> sweep(List<PreparedFile> files, Profile profile) {
        int total = 0;
        int windowCount = 0;
        for (PreparedFile f : files) {
            total += Math.max(0, f.n - f.probation);
            windowCount += f.windowStart.length;
        }
        double[] anomaly = new double[total];
        double[] s = new double[total];
        int[] window = new int[total];
        boolean[] counted = new boolean[windowCount];
        int pos = 0;
        int windowOffset = 0;
        long inWindowRows = 0;
        for (PreparedFile f : files) {
            double[] fs = f.sweepScores(profile);
            for (int i = f.probation; i < f.n; i++) {
                anomaly[pos] = f.anomaly[i];
                s[pos] = fs[i];
                int w = f.windowOfRow[i];
                if (w >= 0) {
                    window[pos] = windowOffset + w;
                    counted[windowOffset + w] = true;
                    inWindowRows++;
                } else {
                    window[pos] = -1;
                }
                pos++;
            }
            windowOffset += f.windowStart.length;
        }
        int undetected = 0;
        for (boolean c : counted) {
            if (c) {
                undetected++;
            }
        }

        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        // Stable (TimSort): equal scores keep file/row order.
        Arrays.sort(order, (a, b) -> Double.compare(anomaly[b], anomaly[a]));

        double[] windowTerm = new double[windowCount];
        boolean[] detected = new boolean[windowCount];
        double tpSum = 0;
        double fpSum = 0;
        long tp = 0;
        long fp = 0;
        long fn = inWindowRows;
        long tn = total - inWindowRows;
        double current = NOTHING_DETECTED;
        List<Candidate> out = new ArrayList<>();
        for (int idx : order) {
            double a = anomaly[idx];
            if (a != current) {
                out.add(
                        new Candidate(
                                current,
                                tpSum + fpSum - profile.fnWeight() * undetected,
                                tp,
                                tn,
                                fp,
                                fn));
                current = a;
            }
            int w = window[idx];
            if (w < 0) {
                fpSum += s[idx];
                fp++;
                tn--;
            } else {
                tp++;
                fn--;
                if (!detected[w]) {
                    detected[w] = true;
                    undetected--;
                    windowTerm[w] = s[idx];
                    tpSum += s[idx];
                } else if (s[idx] > windowTerm[w]) {
                    tpSum += s[idx] - windowTerm[w];
                    windowTerm[w] = s[idx];
                }
            }
        }
        out.add(
                new Candidate(
                        current, tpSum + fpSum - profile.fnWeight() * undetected, tp, tn, fp, fn));
        return out;
    }

    private ProfileResult scoreAt(List<PreparedFile> files, Profile profile, double threshold) {
        Map<String, Breakdown> byFile = new TreeMap<>();
        Map<String, List<Breakdown>> byCategory = new TreeMap<>();
        double perfect = 0;
        double nullScore = 0;
        for (PreparedFile f : files) {
            Breakdown b = f.scoreAt(profile, threshold);
            byFile.put(f.key, b);
            byCategory.computeIfAbsent(NabLabels.category(f.key), k -> new ArrayList<>()).add(b);
            perfect += profile.tpWeight() * f.windowStart.length;
            nullScore -= profile.fnWeight() * f.countedWindows();
        }
        Map<String, Breakdown> categories = new TreeMap<>();
        for (Map.Entry<String, List<Breakdown>> e : byCategory.entrySet()) {
            categories.put(e.getKey(), Breakdown.sum(e.getKey(), e.getValue()));
        }
        Breakdown totals = Breakdown.sum("Totals", new ArrayList<>(byFile.values()));
        return new ProfileResult(
                profile,
                threshold,
                totals.rawScore(),
                nullScore,
                perfect,
                normalize(totals.rawScore(), nullScore, perfect),
                totals,
                Collections.unmodifiableMap(byFile),
                Collections.unmodifiableMap(categories));
    }

    private List<PreparedFile> prepareAll(Map<String, List<ScoredRow>> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no result files");
        }
        List<PreparedFile> out = new ArrayList<>();
        for (Map.Entry<String, List<ScoredRow>> e : new TreeMap<>(results).entrySet()) {
            out.add(prepare(e.getKey(), e.getValue()));
        }
        return out;
    }

    private PreparedFile prepare(String fileKey, List<ScoredRow> rows) {
        List<NabLabels.Window> windows = labels.windowsOf(fileKey);
        int n = rows.size();
        double[] anomaly = new double[n];
        Map<LocalDateTime, Integer> first = new HashMap<>();
        Map<LocalDateTime, Integer> occurrences = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ScoredRow r = rows.get(i);
            double a = r.anomalyScore();
            if (!(a >= 0.0 && a <= 1.0)) {
                throw new IllegalArgumentException(
                        fileKey + " row " + i + ": anomaly score not in [0,1]: " + a);
            }
            anomaly[i] = a + 0.0; // -0.0 -> 0.0
            first.putIfAbsent(r.timestamp(), i);
            occurrences.merge(r.timestamp(), 1, Integer::sum);
        }
        int k = windows.size();
        int[] start = new int[k];
        int[] end = new int[k];
        int[] windowOfRow = new int[n];
        Arrays.fill(windowOfRow, TAG_NONE);
        for (int w = 0; w < k; w++) {
            start[w] = indexOf(fileKey, first, occurrences, windows.get(w).start());
            end[w] = indexOf(fileKey, first, occurrences, windows.get(w).end());
            if (end[w] < start[w] || (w > 0 && start[w] <= end[w - 1])) {
                throw new IllegalArgumentException(
                        fileKey + ": window " + w + " rows out of order");
            }
            for (int i = start[w]; i <= end[w]; i++) {
                windowOfRow[i] = w;
            }
        }
        return new PreparedFile(fileKey, n, probationLength(n), anomaly, start, end, windowOfRow);
    }

    private static int indexOf(
            String fileKey,
            Map<LocalDateTime, Integer> first,
            Map<LocalDateTime, Integer> occurrences,
            LocalDateTime t) {
        Integer i = first.get(t);
        if (i == null) {
            throw new IllegalArgumentException(fileKey + ": window limit not a row: " + t);
        }
        if (occurrences.get(t) > 1) {
            throw new IllegalArgumentException(fileKey + ": window limit is ambiguous: " + t);
        }
        return i;
    }

    /** One file with its window rows resolved. */
    private static final class PreparedFile {
        final String key;
        final int n;
        final int probation;
        final double[] anomaly;
        final int[] windowStart;
        final int[] windowEnd;
        final int[] windowOfRow;

        PreparedFile(
                String key,
                int n,
                int probation,
                double[] anomaly,
                int[] windowStart,
                int[] windowEnd,
                int[] windowOfRow) {
            this.key = key;
            this.n = n;
            this.probation = probation;
            this.anomaly = anomaly;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.windowOfRow = windowOfRow;
        }

        /** Windows with at least one non-probationary row (the ones that can be missed). */
        int countedWindows() {
            int c = 0;
            for (int end : windowEnd) {
                if (end >= probation) {
                    c++;
                }
            }
            return c;
        }

        double[] sweepScores(Profile p) {
            double[] s = new double[n];
            int ended = -1; // index of the most recently ended window
            for (int i = 0; i < n; i++) {
                while (ended + 1 < windowEnd.length && windowEnd[ended + 1] < i) {
                    ended++;
                }
                int w = windowOfRow[i];
                if (w >= 0) {
                    double width = windowEnd[w] - windowStart[w] + 1;
                    double y = -(windowEnd[w] - i + 1) / width;
                    s[i] = scaledSigmoid(y) * p.tpWeight() / SIGMA_MINUS_ONE;
                } else if (ended < 0) {
                    s[i] = -1.0 * p.fpWeight();
                } else {
                    // Distance past the last window over (W' - 1); W' = 1 gives +inf -> -1.
                    double widthMinusOne = windowEnd[ended] - windowStart[ended];
                    double y = Math.abs(i - windowEnd[ended]) / widthMinusOne;
                    s[i] = scaledSigmoid(y) * p.fpWeight();
                }
            }
            return s;
        }

        Breakdown scoreAt(Profile p, double threshold) {
            double[] s = sweepScores(p);
            int k = windowStart.length;
            boolean[] detected = new boolean[k];
            double[] term = new double[k];
            long tp = 0;
            long tn = 0;
            long fp = 0;
            long fn = 0;
            double fpScore = 0;
            for (int i = probation; i < n; i++) {
                boolean hit = anomaly[i] >= threshold;
                int w = windowOfRow[i];
                if (w >= 0) {
                    if (hit) {
                        tp++;
                        if (!detected[w]) {
                            detected[w] = true;
                            term[w] = s[i];
                        } else {
                            term[w] = Math.max(term[w], s[i]);
                        }
                    } else {
                        fn++;
                    }
                } else if (hit) {
                    fp++;
                    fpScore += s[i];
                } else {
                    tn++;
                }
            }
            double tpScore = 0;
            int detectedWindows = 0;
            int missed = 0;
            for (int w = 0; w < k; w++) {
                if (detected[w]) {
                    detectedWindows++;
                    tpScore += term[w];
                } else if (windowEnd[w] >= probation) {
                    missed++;
                }
            }
            double fnScore = -p.fnWeight() * missed;
            return new Breakdown(
                    key,
                    1,
                    k,
                    detectedWindows,
                    tp,
                    tn,
                    fp,
                    fn,
                    tpScore,
                    fpScore,
                    fnScore,
                    tpScore + fpScore + fnScore);
        }
    }
}
