package dev.forestwatch.job.cutoff;

import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Bounded-memory history of raw forest scores for one data kind, the streaming replacement of the
 * seed's weekly {@code mean + 3σ} batch job over all past scores.
 *
 * <p>Scores are summarized per event-time interval: slot {@code s} holds the scores with {@code
 * floor(timestamp / interval) == s}. Each slot keeps its count, Welford mean and sum of squared
 * deviations ({@code M2}), and a KLL doubles sketch ({@link #SKETCH_K} = 200, about 1.3% rank
 * error) for quantiles. Slots are merged on demand with the parallel-variance formula of Chan,
 * Golub and LeVeque, which avoids the cancellation of the textbook {@code Σx² - n·mean²} when the
 * scores are large compared with their spread.
 *
 * <p>Slots leave only through {@link #expireBefore}, which the recomputation calls at every
 * interval end (event time): once expired up to the watermark at most {@link #capacity()} = {@code
 * ceil(history / interval) + 1} slots are held, so memory is O(history / interval) plus the
 * intervals the scores run ahead of the watermark (in a fast replay the watermark advances in
 * periodic jumps; dropping slots on arrival would lose history a pending boundary still needs).
 * Slots are stored sparsely (an interval without scores costs nothing).
 *
 * <p>{@link #stddev()} is the <em>sample</em> standard deviation (divisor {@code n - 1}), as
 * Spark's {@code stddev} (an alias of {@code stddev_samp}) that the seed's batch job used.
 *
 * <p>Quantiles come from merging the slot sketches. KLL compaction draws from an unseeded random
 * generator inside datasketches, so quantiles of more than {@link #SKETCH_K} scores can differ
 * slightly (within the rank error) between runs; count, mean and standard deviation are exact
 * functions of the input and its order.
 *
 * <p>Not thread-safe; meant to live in keyed state with {@link CutoffHistorySerializer}.
 */
public final class CutoffHistory {

    /** KLL accuracy parameter of every slot sketch. */
    public static final int SKETCH_K = 200;

    private final long historyMillis;
    private final long intervalMillis;
    private final int capacity;

    /** Non-empty slots, oldest first. */
    private final List<Slot> slots;

    /**
     * Largest timestamp passed to {@link #expireBefore}; scores in slots entirely before it are
     * ignored, so a late score cannot bring back a slot that was already dropped.
     */
    private long expiredBefore = Long.MIN_VALUE;

    /**
     * Creates an empty history.
     *
     * @param historyMillis how much event time of scores to keep, positive
     * @param intervalMillis slot width, positive
     */
    public CutoffHistory(long historyMillis, long intervalMillis) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + intervalMillis);
        }
        if (historyMillis <= 0) {
            throw new IllegalArgumentException("history must be positive: " + historyMillis);
        }
        // ceil(history / interval); Math.ceilDiv needs Java 18.
        long intervals = -Math.floorDiv(-historyMillis, intervalMillis);
        if (intervals >= Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(
                    "history " + historyMillis + " ms has too many intervals of " + intervalMillis);
        }
        this.historyMillis = historyMillis;
        this.intervalMillis = intervalMillis;
        this.capacity = (int) intervals + 1;
        this.slots = new ArrayList<>();
    }

    /** How much event time of scores is kept, in milliseconds. */
    public long historyMillis() {
        return historyMillis;
    }

    /** Slot width in milliseconds. */
    public long intervalMillis() {
        return intervalMillis;
    }

    /** Most slots held at once: {@code ceil(history / interval) + 1}. */
    public int capacity() {
        return capacity;
    }

    /**
     * Number of non-empty slots currently held: at most {@link #capacity()} once expired up to the
     * watermark, more while scores run ahead of it.
     */
    public int slotCount() {
        return slots.size();
    }

    /** The timestamp of the latest {@link #expireBefore} call, {@code Long.MIN_VALUE} if none. */
    public long expiredBefore() {
        return expiredBefore;
    }

    /** Whether some score held lies in an interval that ends after {@code timestamp}. */
    public boolean hasScoresAfter(long timestamp) {
        return !slots.isEmpty() && slotEnd(slots.get(slots.size() - 1).index) > timestamp;
    }

    /** Index of the slot holding {@code timestamp}. */
    public long slotOf(long timestamp) {
        return Math.floorDiv(timestamp, intervalMillis);
    }

    /**
     * Adds one score.
     *
     * @return false if the score was ignored: not finite, or in a slot already expired
     */
    public boolean add(long timestamp, double score) {
        if (!Double.isFinite(score)) {
            return false;
        }
        long index = slotOf(timestamp);
        if (expiredBefore != Long.MIN_VALUE && slotEnd(index) <= expiredBefore) {
            return false;
        }
        // No rotation on add: in a fast replay, scores can run well ahead of the watermark (it
        // advances in periodic jumps), and a boundary still to be published needs the older
        // slots. Slots leave only through expireBefore, driven by the event-time timers, so the
        // memory is bounded by history plus how far the scores run ahead.
        slotFor(index).add(score);
        return true;
    }

    /** Drops the slots that lie entirely before {@code timestamp} (end at or before it). */
    public void expireBefore(long timestamp) {
        if (timestamp > expiredBefore) {
            expiredBefore = timestamp;
        }
        int drop = 0;
        while (drop < slots.size() && slotEnd(slots.get(drop).index) <= timestamp) {
            drop++;
        }
        slots.subList(0, drop).clear();
    }

    /** Number of scores held. */
    public long count() {
        return statsBefore(Long.MAX_VALUE).count();
    }

    /** Mean of the scores held, NaN if there are none. */
    public double mean() {
        return statsBefore(Long.MAX_VALUE).mean();
    }

    /**
     * Sample standard deviation (divisor {@code n - 1}, like Spark's {@code stddev}) of the scores
     * held; NaN for fewer than two scores.
     */
    public double stddev() {
        return statsBefore(Long.MAX_VALUE).stddev();
    }

    /**
     * Approximate {@code q}-quantile of the scores held: the smallest retained score whose
     * normalized rank is at least {@code q}. NaN if there are none.
     */
    public double quantile(double q) {
        return quantileBefore(Long.MAX_VALUE, q);
    }

    /**
     * Count, mean and variance of the scores in slots that start before {@code endExclusive}.
     * Computing a cutoff for the interval ending at a boundary passes that boundary, which leaves
     * out scores of later intervals that happened to arrive early, so the result does not depend on
     * how far the input ran ahead of the watermark.
     */
    public Stats statsBefore(long endExclusive) {
        long lastIndex = lastIndexBefore(endExclusive);
        long n = 0;
        double pivot = 0.0;
        double shiftedMean = 0.0;
        double m2 = 0.0;
        for (Slot slot : slots) {
            if (slot.index > lastIndex) {
                break;
            }
            if (n == 0) {
                // Means are merged relative to the first slot's: with scores far from zero
                // compared with their spread, a running mean near the scores could only move in
                // whole ulps of the scores, and small per-slot corrections would be lost.
                pivot = slot.mean;
            }
            // Chan et al.: merge two (n, mean, M2) summaries without forming Σx².
            long total = n + slot.count;
            double delta = (slot.mean - pivot) - shiftedMean;
            shiftedMean += delta * ((double) slot.count / total);
            m2 += slot.m2 + delta * delta * ((double) n * slot.count / total);
            n = total;
        }
        return new Stats(n, n == 0 ? Double.NaN : pivot + shiftedMean, m2);
    }

    /**
     * Approximate {@code q}-quantile of the scores in slots that start before {@code endExclusive};
     * NaN if there are none.
     */
    public double quantileBefore(long endExclusive, double q) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new IllegalArgumentException("quantile must be in [0, 1]: " + q);
        }
        long lastIndex = lastIndexBefore(endExclusive);
        KllDoublesSketch merged = KllDoublesSketch.newHeapInstance(SKETCH_K);
        for (Slot slot : slots) {
            if (slot.index > lastIndex) {
                break;
            }
            merged.merge(slot.sketch);
        }
        return merged.isEmpty()
                ? Double.NaN
                : merged.getQuantile(q, QuantileSearchCriteria.INCLUSIVE);
    }

    /** Deep copy; sketches go through their byte form. */
    public CutoffHistory copy() {
        CutoffHistory copy = new CutoffHistory(historyMillis, intervalMillis);
        copy.expiredBefore = expiredBefore;
        for (Slot slot : slots) {
            copy.slots.add(
                    new Slot(
                            slot.index,
                            slot.count,
                            slot.mean,
                            slot.m2,
                            KllDoublesSketch.heapify(Memory.wrap(slot.sketch.toByteArray()))));
        }
        return copy;
    }

    /**
     * This history under other settings, for state restored after the spec changed: the same object
     * if nothing changed; with the same interval, the slots that fit the new ring; with another
     * interval, an empty history, because slots cannot be re-cut.
     */
    public CutoffHistory withSettings(long newHistoryMillis, long newIntervalMillis) {
        if (newHistoryMillis == historyMillis && newIntervalMillis == intervalMillis) {
            return this;
        }
        CutoffHistory other = new CutoffHistory(newHistoryMillis, newIntervalMillis);
        if (newIntervalMillis != intervalMillis) {
            return other;
        }
        other.expiredBefore = expiredBefore;
        // Copied, not shared: the caller may keep using this history.
        other.slots.addAll(copy().slots);
        if (!slots.isEmpty()) {
            other.dropBelow(slots.get(slots.size() - 1).index - other.capacity + 1);
        }
        return other;
    }

    // ---- access for the serializer ----

    /** Appends a slot read from state; slots must come oldest first and within the ring. */
    void restoreSlot(long index, long count, double mean, double m2, KllDoublesSketch sketch) {
        if (count <= 0) {
            throw new IllegalArgumentException("slot " + index + " has count " + count);
        }
        if (!slots.isEmpty()) {
            Slot last = slots.get(slots.size() - 1);
            if (index <= last.index) {
                throw new IllegalArgumentException(
                        "slot " + index + " does not follow slot " + last.index);
            }
        }
        slots.add(new Slot(index, count, mean, m2, sketch));
    }

    void restoreExpiredBefore(long timestamp) {
        this.expiredBefore = timestamp;
    }

    long slotIndex(int i) {
        return slots.get(i).index;
    }

    long slotCount(int i) {
        return slots.get(i).count;
    }

    double slotMean(int i) {
        return slots.get(i).mean;
    }

    double slotM2(int i) {
        return slots.get(i).m2;
    }

    byte[] slotSketchBytes(int i) {
        return slots.get(i).sketch.toByteArray();
    }

    // ---- internals ----

    private long slotEnd(long index) {
        // Saturate: the slot holding Long.MAX_VALUE would otherwise end below its start.
        long start = index * intervalMillis;
        return start > Long.MAX_VALUE - intervalMillis ? Long.MAX_VALUE : start + intervalMillis;
    }

    private long lastIndexBefore(long endExclusive) {
        return endExclusive == Long.MIN_VALUE
                ? Long.MIN_VALUE
                : Math.floorDiv(endExclusive - 1, intervalMillis);
    }

    private void dropBelow(long index) {
        int drop = 0;
        while (drop < slots.size() && slots.get(drop).index < index) {
            drop++;
        }
        slots.subList(0, drop).clear();
    }

    private Slot slotFor(long index) {
        // Binary search from the end: almost every score goes to the newest slot.
        int lo = 0;
        int hi = slots.size();
        if (hi > 0 && slots.get(hi - 1).index == index) {
            return slots.get(hi - 1);
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long midIndex = slots.get(mid).index;
            if (midIndex < index) {
                lo = mid + 1;
            } else if (midIndex > index) {
                hi = mid;
            } else {
                return slots.get(mid);
            }
        }
        Slot slot = new Slot(index);
        slots.add(lo, slot);
        return slot;
    }

    /**
     * Count, mean and sum of squared deviations of a set of scores.
     *
     * @param count number of scores
     * @param mean their mean, NaN if there are none
     * @param m2 sum of squared deviations from the mean
     */
    public record Stats(long count, double mean, double m2) {

        /** Sample variance ({@code M2 / (n - 1)}); NaN for fewer than two scores. */
        public double variance() {
            return count < 2 ? Double.NaN : Math.max(0.0, m2) / (count - 1);
        }

        /** Sample standard deviation, as Spark's {@code stddev}; NaN for fewer than two scores. */
        public double stddev() {
            return Math.sqrt(variance());
        }
    }

    /** The summary of one interval's scores. */
    private static final class Slot {
        final long index;
        long count;
        double mean;
        double m2;
        final KllDoublesSketch sketch;

        Slot(long index) {
            this(index, 0, 0.0, 0.0, KllDoublesSketch.newHeapInstance(SKETCH_K));
        }

        Slot(long index, long count, double mean, double m2, KllDoublesSketch sketch) {
            this.index = index;
            this.count = count;
            this.mean = mean;
            this.m2 = m2;
            this.sketch = sketch;
        }

        void add(double x) {
            // Welford: update mean and M2 from the deviation, never from Σx².
            count++;
            double delta = x - mean;
            mean += delta / count;
            m2 += delta * (x - mean);
            sketch.update(x);
        }
    }
}
