package dev.forestwatch.job.score;

import java.io.IOException;
import java.util.Arrays;

/**
 * Deterministic, bounded-memory distribution of raw scores: a fixed histogram with log-spaced bins,
 * plus the exact count, minimum and maximum.
 *
 * <p>Bins, in order (bin {@code b} holds scores in {@code (edge(b - 1), edge(b)]}):
 *
 * <ul>
 *   <li>bin 0: scores {@code <= }{@link #ZERO_LIMIT}, including negative ones;
 *   <li>bins 1 to {@link #GEOMETRIC_BINS}: geometric bins from {@link #GEOMETRIC_LOW} to {@link
 *       #GEOMETRIC_HIGH}, each {@link #BIN_RATIO} (about 0.81%) wider than the one before. The
 *       first also takes scores between {@code ZERO_LIMIT} and {@code GEOMETRIC_LOW}, the last
 *       everything above {@code GEOMETRIC_HIGH}.
 * </ul>
 *
 * <p>Random Cut Forest scores are non-negative, typically 0.3 to 5 and rarely above 50, so a
 * detector occupies a few hundred bins. Only occupied bins are stored (sorted bin indices with
 * their counts), so an empty histogram costs almost nothing and a full one at most {@link #BINS}
 * entries.
 *
 * <p>Ranks assume the scores of a bin are spread evenly over the part of it between the minimum and
 * the maximum: the cumulative distribution is piecewise linear and continuous, except for a history
 * whose scores are all equal, which is a single point mass. {@link #quantile} inverts it.
 *
 * <p>The state is a pure function of the multiset of scores added (not even of their order): no
 * randomness, no hashing, and bin edges computed with {@link StrictMath}, so that every JVM puts a
 * score into the same bin. That makes replays after a failure bit-identical.
 *
 * <p>Not thread-safe for writes; queries do not modify the instance.
 */
final class ScoreHistogram {

    /** Scores at or below this share the zero bin. */
    static final double ZERO_LIMIT = 1e-6;

    /** Lower end of the geometric bins. */
    static final double GEOMETRIC_LOW = 1e-3;

    /** Upper end of the geometric bins. */
    static final double GEOMETRIC_HIGH = 1e4;

    /** Number of geometric bins; seven decades at 2000 bins give a ratio of about 1.0081. */
    static final int GEOMETRIC_BINS = 2000;

    /** All bins: the zero bin and the geometric ones. */
    static final int BINS = GEOMETRIC_BINS + 1;

    /** Ratio of the upper to the lower edge of a geometric bin. */
    static final double BIN_RATIO =
            StrictMath.pow(GEOMETRIC_HIGH / GEOMETRIC_LOW, 1.0 / GEOMETRIC_BINS);

    /**
     * Upper bound of {@link #toBytes()}: count, minimum, maximum, number of bins and, per bin, an
     * index delta (at most 2 bytes) and a count (at most 10 bytes) as variable-length integers.
     */
    static final int MAX_ENCODED_BYTES = 10 + 2 * Double.BYTES + 5 + BINS * (5 + 10);

    /**
     * Inner bin edges: {@code EDGES[b]} is the upper edge of bin {@code b} and the lower edge of
     * bin {@code b + 1}. Strictly increasing.
     */
    private static final double[] EDGES = edges();

    private static final int[] NO_BINS = new int[0];
    private static final long[] NO_COUNTS = new long[0];
    private static final int MIN_CAPACITY = 8;

    // Occupied bins, ascending, and their (positive) counts; only the first `used` are valid.
    private int[] bins;
    private long[] counts;
    private int used;

    private long count;
    private double min;
    private double max;

    /** An empty histogram. */
    ScoreHistogram() {
        this(NO_BINS, NO_COUNTS, 0, 0L, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    private ScoreHistogram(
            int[] bins, long[] counts, int used, long count, double min, double max) {
        this.bins = bins;
        this.counts = counts;
        this.used = used;
        this.count = count;
        this.min = min;
        this.max = max;
    }

    /** Adds one finite score. */
    void add(double score) {
        add(score, 1L);
    }

    /** Adds a finite score {@code weight} times, as if added one by one. */
    void add(double score, long weight) {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("Score must be finite: " + score);
        }
        if (weight <= 0) {
            throw new IllegalArgumentException("Weight must be positive: " + weight);
        }
        // -0.0 + 0.0 is 0.0: one zero, whatever its sign, so min and max do not depend on order.
        double s = score + 0.0;
        int bin = binOf(s);
        int i = Arrays.binarySearch(bins, 0, used, bin);
        if (i >= 0) {
            counts[i] += weight;
        } else {
            insert(-i - 1, bin, weight);
        }
        count += weight;
        if (s < min) {
            min = s;
        }
        if (s > max) {
            max = s;
        }
    }

    /** Number of scores added. */
    long count() {
        return count;
    }

    /** Smallest score; {@code +Infinity} when empty. */
    double min() {
        return min;
    }

    /** Largest score; {@code -Infinity} when empty. */
    double max() {
        return max;
    }

    /** Number of occupied bins. */
    int occupiedBins() {
        return used;
    }

    /**
     * Estimated fraction of scores {@code <= s} ({@code inclusive}) or {@code < s}; NaN when empty.
     * The two differ only at a point mass (all scores equal): elsewhere the distribution is
     * continuous. Non-decreasing in {@code s}, 0 below the minimum and 1 above the maximum.
     */
    double rank(double s, boolean inclusive) {
        if (count == 0 || Double.isNaN(s)) {
            return Double.NaN;
        }
        if (s < min) {
            return 0.0;
        }
        if (s > max || (inclusive && s == max)) {
            return 1.0;
        }
        int bin = binOf(s);
        long below = 0L;
        int i = 0;
        while (i < used && bins[i] < bin) {
            below += counts[i];
            i++;
        }
        double inBin = 0.0;
        if (i < used && bins[i] == bin) {
            double lo = low(bin);
            double hi = high(bin);
            double fraction;
            if (hi > lo) {
                fraction = clamp((s - lo) / (hi - lo), 0.0, 1.0);
            } else {
                // A point mass at s (min == max == s).
                fraction = inclusive ? 1.0 : 0.0;
            }
            inBin = counts[i] * fraction;
        }
        return Math.min(1.0, (below + inBin) / count);
    }

    /**
     * Smallest score whose inclusive {@link #rank} reaches {@code rank}: the minimum at 0, the
     * maximum at 1, linear inside a bin; NaN when empty.
     *
     * @throws IllegalArgumentException if {@code rank} is not in {@code [0, 1]}
     */
    double quantile(double rank) {
        if (!(rank >= 0.0 && rank <= 1.0)) {
            throw new IllegalArgumentException("Rank must be in [0, 1]: " + rank);
        }
        if (count == 0) {
            return Double.NaN;
        }
        double target = rank * count;
        long below = 0L;
        for (int i = 0; i < used; i++) {
            long c = counts[i];
            if (below + c >= target) {
                int bin = bins[i];
                double lo = low(bin);
                double hi = high(bin);
                double fraction = clamp((target - below) / c, 0.0, 1.0);
                return clamp(lo + (hi - lo) * fraction, lo, hi);
            }
            below += c;
        }
        // Unreachable: the counts add up to count >= target.
        return max;
    }

    /** Deep copy. */
    ScoreHistogram copy() {
        return new ScoreHistogram(
                Arrays.copyOf(bins, used), Arrays.copyOf(counts, used), used, count, min, max);
    }

    /**
     * Canonical encoding; equal histograms give equal bytes.
     *
     * <pre>
     * varlong count
     * if count &gt; 0:
     *   double minimum, double maximum
     *   varint  occupiedBins
     *   (varint binIndexGap, varlong binCount) * occupiedBins, ascending
     * </pre>
     *
     * The gap is the bin index minus the previous one minus 1 (the first bin's previous is -1).
     * Variable-length integers are unsigned LEB128: 7 bits per byte, low bits first.
     */
    byte[] toBytes() {
        Writer out = new Writer(count == 0 ? 1 : 10 + 2 * Double.BYTES + 5 + 12 * used);
        out.varLong(count);
        if (count > 0) {
            out.fixedLong(Double.doubleToRawLongBits(min));
            out.fixedLong(Double.doubleToRawLongBits(max));
            out.varLong(used);
            int previous = -1;
            for (int i = 0; i < used; i++) {
                out.varLong(bins[i] - previous - 1L);
                out.varLong(counts[i]);
                previous = bins[i];
            }
        }
        return out.bytes();
    }

    /**
     * Decodes {@link #toBytes()} and checks every invariant (sorted bins, positive counts adding up
     * to the count, minimum and maximum finite and inside the first and last bin).
     *
     * @throws IOException if the bytes are not a valid encoding
     */
    static ScoreHistogram fromBytes(byte[] bytes) throws IOException {
        Reader in = new Reader(bytes);
        long count = in.varLong();
        if (count == 0) {
            in.requireConsumed();
            return new ScoreHistogram();
        }
        if (count < 0) {
            throw corrupt("negative count " + count);
        }
        double min = Double.longBitsToDouble(in.fixedLong());
        double max = Double.longBitsToDouble(in.fixedLong());
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min <= max)) {
            throw corrupt("invalid minimum " + min + " or maximum " + max);
        }
        long used = in.varLong();
        if (used < 1 || used > BINS) {
            throw corrupt("invalid number of bins " + used);
        }
        int n = (int) used;
        int[] bins = new int[n];
        long[] counts = new long[n];
        long previous = -1L;
        long total = 0L;
        for (int i = 0; i < n; i++) {
            long gap = in.varLong();
            if (gap < 0 || gap >= BINS - 1 - previous) {
                throw corrupt("bin index out of range after bin " + previous);
            }
            long bin = previous + 1 + gap;
            long c = in.varLong();
            if (c <= 0 || c > count - total) {
                throw corrupt("invalid bin count " + c + " for a total count of " + count);
            }
            total += c;
            bins[i] = (int) bin;
            counts[i] = c;
            previous = bin;
        }
        if (total != count) {
            throw corrupt("bin counts add up to " + total + ", not the count " + count);
        }
        if (binOf(min) != bins[0] || binOf(max) != bins[n - 1]) {
            throw corrupt("minimum or maximum outside the first or last bin");
        }
        in.requireConsumed();
        return new ScoreHistogram(bins, counts, n, count, min, max);
    }

    /** Bin of a finite score: the number of inner edges below it. */
    static int binOf(double s) {
        int lo = 0;
        int hi = EDGES.length;
        // First edge >= s.
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (EDGES[mid] < s) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Lower edge of a bin (exclusive); -Infinity for the zero bin. */
    static double lowerEdge(int bin) {
        return bin == 0 ? Double.NEGATIVE_INFINITY : EDGES[bin - 1];
    }

    /** Upper edge of a bin (inclusive); +Infinity for the last bin. */
    static double upperEdge(int bin) {
        return bin == BINS - 1 ? Double.POSITIVE_INFINITY : EDGES[bin];
    }

    /** Start of the range a bin's scores are spread over: its lower edge, or the minimum. */
    private double low(int bin) {
        return Math.max(lowerEdge(bin), min);
    }

    /** End of the range a bin's scores are spread over: its upper edge, or the maximum. */
    private double high(int bin) {
        return Math.min(upperEdge(bin), max);
    }

    private void insert(int at, int bin, long weight) {
        if (used == bins.length) {
            int capacity = Math.min(BINS, Math.max(MIN_CAPACITY, used + (used >> 1)));
            bins = Arrays.copyOf(bins, capacity);
            counts = Arrays.copyOf(counts, capacity);
        }
        System.arraycopy(bins, at, bins, at + 1, used - at);
        System.arraycopy(counts, at, counts, at + 1, used - at);
        bins[at] = bin;
        counts[at] = weight;
        used++;
    }

    private static double[] edges() {
        double[] edges = new double[GEOMETRIC_BINS];
        edges[0] = ZERO_LIMIT;
        double low = StrictMath.log10(GEOMETRIC_LOW);
        double span = StrictMath.log10(GEOMETRIC_HIGH) - low;
        for (int g = 1; g < GEOMETRIC_BINS; g++) {
            edges[g] = StrictMath.pow(10.0, low + span * g / GEOMETRIC_BINS);
        }
        return edges;
    }

    private static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    private static IOException corrupt(String detail) {
        return new IOException("Corrupt score histogram: " + detail);
    }

    /** Appends big-endian fixed-width and LEB128 variable-length integers to a byte array. */
    private static final class Writer {
        private final byte[] buffer;
        private int position;

        Writer(int capacity) {
            buffer = new byte[capacity];
        }

        void varLong(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                buffer[position++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[position++] = (byte) v;
        }

        void fixedLong(long value) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[position++] = (byte) (value >>> shift);
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, position);
        }
    }

    /** Reads what {@link Writer} writes, failing with an IOException on truncated input. */
    private static final class Reader {
        private final byte[] buffer;
        private int position;

        Reader(byte[] buffer) {
            this.buffer = buffer;
        }

        long varLong() throws IOException {
            long value = 0L;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = nextByte();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw corrupt("variable-length integer longer than 10 bytes");
        }

        long fixedLong() throws IOException {
            long value = 0L;
            for (int i = 0; i < Long.BYTES; i++) {
                value = (value << 8) | nextByte();
            }
            return value;
        }

        void requireConsumed() throws IOException {
            if (position != buffer.length) {
                throw corrupt((buffer.length - position) + " trailing bytes");
            }
        }

        private int nextByte() throws IOException {
            if (position >= buffer.length) {
                throw corrupt("truncated after " + buffer.length + " bytes");
            }
            return buffer[position++] & 0xFF;
        }
    }
}
