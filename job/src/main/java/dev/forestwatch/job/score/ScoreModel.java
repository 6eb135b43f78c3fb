package dev.forestwatch.job.score;

/**
 * Per-detector model that turns raw forest scores into tail probabilities and keeps the recent
 * maximum unusualness for normalization. Mutable, bounded in memory, and meant for keyed state (see
 * {@link ScoreModelSerializer}).
 *
 * <p>Two parts:
 *
 * <ul>
 *   <li>a {@link ScoreHistogram} of all raw scores seen (log-spaced bins about 0.8% wide, plus the
 *       exact count, minimum and maximum), from which {@link #probability} estimates how rare a new
 *       raw score is;
 *   <li>a sliding-window maximum over event time of unusualness values {@code -log10(p)}, kept as a
 *       monotonic deque (timestamps increasing, values strictly decreasing), so the maximum is the
 *       head and each observation costs amortized O(1).
 * </ul>
 *
 * <p>Callers should ask for {@link #probability} before {@link #addRawScore} of the same value, so
 * that a score is not judged against a history that already contains it.
 *
 * <p>Deterministic: the state, and so every probability and every serialized byte, is a pure
 * function of the raw scores and observations fed in, so a replay after a failure reproduces an
 * undisturbed run bit for bit. There is no random compaction as in a KLL sketch, and the
 * transcendental functions come from {@link StrictMath}, which gives the same bits on every JVM.
 *
 * <p>Not thread-safe for updates. Queries, serialization and {@link
 * ScoreModelSerializer#copy(ScoreModel) copy} only read, so a heap-backend snapshot may serialize
 * an instance while the task thread copies or queries it.
 */
public final class ScoreModel {

    /** Raw scores needed before probabilities below 1 are given. */
    public static final int MIN_HISTORY = 32;

    /** Upper bound of the window deque; beyond it the oldest entries are dropped. */
    public static final int MAX_WINDOW_ENTRIES = 4096;

    /** Quantile above which the empirical tail is replaced by the fitted exponential one. */
    static final double TAIL_RANK = 0.99;

    /** Lower quantile of the exponential fit: the tail falls tenfold from here to q99. */
    static final double FIT_RANK = 0.90;

    /** Smallest absolute exponential scale, for histories whose q90 and q99 coincide. */
    static final double MIN_SCALE = 1e-6;

    /** Smallest exponential scale relative to |q99|, for the same reason. */
    static final double MIN_RELATIVE_SCALE = 0.01;

    private static final double LN_10 = StrictMath.log(10.0);

    // Most series see few anomalies per window, so the deque starts small and grows on demand.
    private static final int INITIAL_WINDOW_CAPACITY = 8;

    private final ScoreHistogram histogram;

    // Ring buffer of (timestamp, unusualness); capacity is a power of two.
    private long[] windowTimes;
    private double[] windowValues;
    private int head;
    private int size;

    /** An empty model: no raw scores, empty window. */
    public ScoreModel() {
        this(new ScoreHistogram());
    }

    /** Wraps a histogram (not copied); used by the serializer and by {@link #copy()}. */
    ScoreModel(ScoreHistogram histogram) {
        this.histogram = histogram;
        this.windowTimes = new long[INITIAL_WINDOW_CAPACITY];
        this.windowValues = new double[INITIAL_WINDOW_CAPACITY];
    }

    /** Adds one raw forest score to the history; NaN and infinite values are ignored. */
    public void addRawScore(double rawScore) {
        if (Double.isFinite(rawScore)) {
            histogram.add(rawScore);
        }
    }

    /** Number of raw scores in the history. */
    public long count() {
        return histogram.count();
    }

    /**
     * Estimated raw score at the given normalized rank: the smallest score with at least that
     * fraction of the history at or below it (the minimum at 0, the maximum at 1, interpolated
     * linearly inside a histogram bin); NaN while the history is empty.
     *
     * @throws IllegalArgumentException if {@code rank} is not in {@code [0, 1]}
     */
    public double quantile(double rank) {
        return histogram.quantile(rank);
    }

    /**
     * Probability of a raw score at least this high given the history: in {@code
     * [Double.MIN_NORMAL, 1]}, never 0, and non-increasing in {@code rawScore}.
     *
     * <ul>
     *   <li>Fewer than {@link #MIN_HISTORY} scores: 1 (too little history to call anything rare).
     *   <li>Below q99: the empirical tail {@code (n * (1 - rank) + 1) / (n + 1)}, where {@code
     *       rank} is the fraction of scores {@code <= rawScore}. The {@code +1}s keep it above 0
     *       and count the new score itself.
     *   <li>From q99 up: an exponential tail that falls tenfold between q90 and q99, anchored at
     *       the empirical tail just below q99. The top 1% of the history is too thin to estimate
     *       from, and the exponential lets a score far outside the history become arbitrarily
     *       unlikely instead of sticking at {@code 1 / (n + 1)}.
     * </ul>
     *
     * <p>Ranks come from the histogram, which spreads the scores of a bin evenly over it, so the
     * empirical part is continuous and within one bin's share of the history of the exact one. The
     * anchor uses the fraction of scores strictly below q99 rather than {@code <=}; the two differ
     * only for a history of equal scores (a point mass at q99), where the inclusive rank would make
     * the probability jump down by the whole history at q99. This way the curve is continuous
     * there. NaN gives 1.
     */
    public double probability(double rawScore) {
        long n = histogram.count();
        if (n < MIN_HISTORY || Double.isNaN(rawScore)) {
            return 1.0;
        }
        double q99 = histogram.quantile(TAIL_RANK);
        double p;
        if (rawScore < q99) {
            p = empiricalTail(n, histogram.rank(rawScore, true));
        } else {
            double q90 = histogram.quantile(FIT_RANK);
            double anchor = empiricalTail(n, histogram.rank(q99, false));
            double floor = Math.max(MIN_SCALE, MIN_RELATIVE_SCALE * Math.abs(q99));
            double scale = Math.max((q99 - q90) / LN_10, floor);
            p = anchor * StrictMath.exp(-(rawScore - q99) / scale);
        }
        // exp underflows to 0 for extreme scores; MIN_NORMAL caps unusualness at about 307.7.
        return Math.min(1.0, Math.max(Double.MIN_NORMAL, p));
    }

    /**
     * Records the unusualness of an event-time observation. Entries it dominates (older and not
     * larger) leave the deque because they can never be the maximum again.
     *
     * <p>A timestamp older than the newest entry is treated as that entry's timestamp: the deque
     * must stay ordered by time for expiry from the head to work, and this only keeps a late value
     * in the window slightly longer. NaN and infinite values are ignored; negative ones count as 0.
     */
    public void observeUnusualness(long timestamp, double u) {
        if (!Double.isFinite(u)) {
            return;
        }
        double value = Math.max(0.0, u);
        long time = timestamp;
        if (size > 0) {
            time = Math.max(time, windowTimes[index(size - 1)]);
        }
        while (size > 0 && windowValues[index(size - 1)] <= value) {
            size--;
        }
        if (size == windowTimes.length) {
            if (windowTimes.length < MAX_WINDOW_ENTRIES) {
                grow();
            } else {
                // Defensive bound: only reachable with a very long window of ever-falling values.
                dropOldest();
            }
        }
        int slot = index(size);
        windowTimes[slot] = time;
        windowValues[slot] = value;
        size++;
    }

    /** Drops window entries with a timestamp before {@code timestamp} (the window's start). */
    public void expireBefore(long timestamp) {
        while (size > 0 && windowTimes[head] < timestamp) {
            dropOldest();
        }
    }

    /** Largest unusualness in the window, 0 when the window is empty. */
    public double windowMax() {
        return size == 0 ? 0.0 : windowValues[head];
    }

    /** Number of entries in the window deque (at most {@link #MAX_WINDOW_ENTRIES}). */
    public int windowSize() {
        return size;
    }

    @Override
    public String toString() {
        return "ScoreModel{count="
                + count()
                + ", windowEntries="
                + size
                + ", windowMax="
                + windowMax()
                + "}";
    }

    /** Deep copy: histogram and deque arrays are cloned. */
    ScoreModel copy() {
        ScoreModel copy = new ScoreModel(histogram.copy());
        copy.windowTimes = windowTimes.clone();
        copy.windowValues = windowValues.clone();
        copy.head = head;
        copy.size = size;
        return copy;
    }

    /** The histogram in its serialized form ({@link ScoreHistogram#toBytes()}). */
    byte[] histogramBytes() {
        return histogram.toBytes();
    }

    /** The histogram itself, for tests and diagnostics; not a copy. */
    ScoreHistogram histogram() {
        return histogram;
    }

    /** Timestamp of the {@code i}-th window entry, oldest first. */
    long windowTimestamp(int i) {
        return windowTimes[index(i)];
    }

    /** Unusualness of the {@code i}-th window entry, oldest first. */
    double windowValue(int i) {
        return windowValues[index(i)];
    }

    private static double empiricalTail(long n, double rank) {
        double p = (n * (1.0 - rank) + 1.0) / (n + 1.0);
        return Math.min(1.0, Math.max(Double.MIN_NORMAL, p));
    }

    private int index(int i) {
        return (head + i) & (windowTimes.length - 1);
    }

    private void dropOldest() {
        head = (head + 1) & (windowTimes.length - 1);
        size--;
    }

    private void grow() {
        int capacity = windowTimes.length * 2;
        long[] times = new long[capacity];
        double[] values = new double[capacity];
        for (int i = 0; i < size; i++) {
            times[i] = windowTimes[index(i)];
            values[i] = windowValues[index(i)];
        }
        windowTimes = times;
        windowValues = values;
        head = 0;
    }
}
