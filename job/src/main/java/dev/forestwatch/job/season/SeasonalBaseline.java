package dev.forestwatch.job.season;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-series seasonal memory: finds which candidate periods (for example a day and a week) the
 * series repeats on, and gives each point its seasonal reference, the value expected at that time
 * of day or week. The forest then sees the point's deviation from that reference, so a Thursday
 * shaped like a Sunday, traffic at night or a missing daily peak stand out even where the value
 * itself is ordinary.
 *
 * <p>For each candidate period the baseline keeps a profile: one exponentially smoothed value per
 * phase slot (a slot is one cadence wide, at most {@link #MAX_SLOTS} slots per period), read with
 * linear interpolation between slot centres. Once a profile has seen every slot it is tested
 * continuously: its one-step error (the point against the profile before the point updates it) is
 * compared with the error of a plain moving level, both as exponentially weighted mean squares. A
 * period is accepted when, over at least half a period after its profile was complete, the profile
 * explains at least {@link #ACCEPT_GAIN} of the variance around the level. Among accepted periods
 * the one with the smallest error is used (a weekly profile also knows the daily shape, so it wins
 * where weekdays differ from weekends). Decisions only move forward: a series gains periods and
 * never loses them, so the meaning of the forest's input changes at most once per candidate.
 *
 * <p>Updates are clipped at {@link #CLIP_SIGMAS} standard deviations of the profile's own error, so
 * that an anomaly does not teach the profile its shape. The last {@link #REPLAY_CAPACITY} points
 * are kept, each as its deviation from every candidate profile as that profile stood before the
 * point (what the forest would have seen had the period been in use), so that the series' forest
 * can be rebuilt from them when a period is accepted (see {@link #replay()}). Deviations computed
 * afterwards from the final profile would be too small, as the profile has learned those very
 * points, and the rebuilt forest would then find every later point unusual.
 *
 * <p>Memory is bounded: per candidate {@code slots * dims} floats and per-slot counts, plus the
 * replay ring. Deterministic: a pure function of the points fed in. Not thread-safe.
 */
public final class SeasonalBaseline {

    /** Most phase slots per period (a week of 5-minute slots). */
    public static final int MAX_SLOTS = 2016;

    /** Fewest slots for a period to be a candidate: the period must span several points. */
    public static final int MIN_SLOTS = 4;

    /** Points kept for rebuilding the forest when a period is accepted. */
    public static final int REPLAY_CAPACITY = 1024;

    /** Gaps between points used to estimate the cadence of a series without a fixed one. */
    static final int CADENCE_GAPS = 15;

    /** Share of the level's variance that a profile must explain to be accepted. */
    static final double ACCEPT_GAIN = 0.5;

    /** Smoothing weight of one period's new value in a slot, once the slot has history. */
    static final double PERIOD_ALPHA = 0.2;

    /** Squared errors count as at most this many times their running mean square. */
    static final double ERROR_CAP_SQ = 4.0;

    /** Weight of the running errors (a tenth of the longest period) before they are capped. */
    static final double WARM_WEIGHT = 0.1;

    /** Profile updates are clipped at this many standard deviations of the profile error. */
    static final double CLIP_SIGMAS = 4.0;

    private final long[] periods;
    private final int dims;
    private long cadence;
    private long[] gaps;
    private int gapCount;
    private long lastTime = Long.MIN_VALUE;
    private long points;
    private Profile[] profiles;
    private int active = -1;

    // replay ring: times, and per point, profile and dim the live deviation (NaN: no profile yet)
    private final long[] replayTimes;
    private final float[] replayDeviations;
    private int replayHead;
    private int replaySize;

    /**
     * A baseline over the given candidate periods.
     *
     * @param periodsMillis candidate periods in milliseconds, each positive
     * @param dims values per point
     * @param cadenceMillis the series' fixed step (a bucket span), or 0 to estimate it from the
     *     first gaps between points (per-event series)
     */
    public SeasonalBaseline(long[] periodsMillis, int dims, long cadenceMillis) {
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be >= 1, got " + dims);
        }
        for (long p : periodsMillis) {
            if (p <= 0) {
                throw new IllegalArgumentException("periods must be positive, got " + p);
            }
        }
        this.periods = periodsMillis.clone();
        this.dims = dims;
        this.cadence = Math.max(0, cadenceMillis);
        this.gaps = new long[CADENCE_GAPS];
        this.replayTimes = new long[REPLAY_CAPACITY];
        this.replayDeviations = new float[REPLAY_CAPACITY * periods.length * dims];
        if (cadence > 0) {
            createProfiles();
        }
    }

    /** What one point was compared with, and whether the series just gained a period. */
    public record Observation(double[] reference, boolean periodsChanged) {}

    /**
     * The seasonal reference of a point at {@code timestamp} under the periods accepted so far, or
     * null while none is; does not change the baseline.
     */
    public double[] reference(long timestamp) {
        if (active < 0) {
            return null;
        }
        return profiles[active].at(timestamp);
    }

    /**
     * Feeds one point: returns its reference under the periods accepted before it (null if none),
     * then learns from it. {@link Observation#periodsChanged()} is true when this point made a
     * period accepted, so that the reference of later points differs from what came before.
     *
     * @throws IllegalArgumentException if {@code value} has the wrong length or a non-finite entry
     */
    public Observation observe(long timestamp, double[] value) {
        if (value.length != dims) {
            throw new IllegalArgumentException("expected " + dims + " values, got " + value.length);
        }
        for (double v : value) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("value must be finite, got " + v);
            }
        }
        learnCadence(timestamp);
        // each complete profile's reference at this time, before the point teaches it: computed
        // once, used for the returned reference, the replay ring and the profile's own test
        double[][] refs = new double[profiles == null ? 0 : profiles.length][];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = profiles[i].complete() ? profiles[i].at(timestamp) : null;
        }
        double[] reference = active < 0 ? null : refs[active];
        remember(timestamp, value, refs);
        for (int i = 0; i < refs.length; i++) {
            profiles[i].update(timestamp, value, refs[i]);
        }
        points++;
        int before = active;
        chooseActive();
        return new Observation(reference, active != before);
    }

    /** The periods in use, shortest first; empty while none is accepted. */
    public long[] activePeriods() {
        if (profiles == null) {
            return new long[0];
        }
        List<Long> out = new ArrayList<>();
        for (Profile p : profiles) {
            if (p.accepted) {
                out.add(p.period);
            }
        }
        return out.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The period whose profile gives the references, or 0 while none is accepted. */
    public long referencePeriod() {
        return active < 0 ? 0 : profiles[active].period;
    }

    /** The cadence in milliseconds (0 while still being estimated). */
    public long cadence() {
        return cadence;
    }

    /** Points seen. */
    public long points() {
        return points;
    }

    /** Values per point. */
    public int dims() {
        return dims;
    }

    /** The candidate periods, as configured. */
    public long[] candidatePeriods() {
        return periods.clone();
    }

    /**
     * The remembered recent points, oldest first, as {@code (timestamp, deviation)} pairs: each
     * point's deviation from the profile now in use, as that profile stood before the point, for
     * rebuilding a forest. Points from before that profile was complete are left out; empty while
     * no period is accepted.
     */
    public List<Point> replay() {
        List<Point> out = new ArrayList<>(replaySize);
        if (active < 0) {
            return out;
        }
        for (int i = 0; i < replaySize; i++) {
            int slot = (replayHead + i) % REPLAY_CAPACITY;
            int base = (slot * periods.length + active) * dims;
            if (Float.isNaN(replayDeviations[base])) {
                continue;
            }
            double[] deviation = new double[dims];
            for (int d = 0; d < dims; d++) {
                deviation[d] = replayDeviations[base + d];
            }
            out.add(new Point(replayTimes[slot], deviation));
        }
        return out;
    }

    /** One remembered point: its time and its deviation from the seasonal reference. */
    public record Point(long timestamp, double[] deviation) {}

    /** A deep copy. */
    public SeasonalBaseline copy() {
        SeasonalBaseline c = new SeasonalBaseline(periods, dims, 0);
        c.cadence = cadence;
        c.gaps = gaps.clone();
        c.gapCount = gapCount;
        c.lastTime = lastTime;
        c.points = points;
        if (profiles != null) {
            c.profiles = new Profile[profiles.length];
            for (int i = 0; i < profiles.length; i++) {
                c.profiles[i] = profiles[i].copy();
            }
        }
        c.active = active;
        System.arraycopy(replayTimes, 0, c.replayTimes, 0, replayTimes.length);
        System.arraycopy(replayDeviations, 0, c.replayDeviations, 0, replayDeviations.length);
        c.replayHead = replayHead;
        c.replaySize = replaySize;
        return c;
    }

    /** Writes the whole state (the serializer adds the format version). */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(dims);
        out.writeInt(periods.length);
        for (long p : periods) {
            out.writeLong(p);
        }
        out.writeLong(cadence);
        out.writeInt(gapCount);
        for (int i = 0; i < gapCount; i++) {
            out.writeLong(gaps[i]);
        }
        out.writeLong(lastTime);
        out.writeLong(points);
        out.writeInt(active);
        out.writeInt(profiles == null ? -1 : profiles.length);
        if (profiles != null) {
            for (Profile p : profiles) {
                p.writeTo(out);
            }
        }
        out.writeInt(replaySize);
        for (int i = 0; i < replaySize; i++) {
            int slot = (replayHead + i) % REPLAY_CAPACITY;
            out.writeLong(replayTimes[slot]);
            int width = periods.length * dims;
            for (int k = 0; k < width; k++) {
                out.writeFloat(replayDeviations[slot * width + k]);
            }
        }
    }

    /** Reads what {@link #writeTo} wrote; rejects inconsistent sizes. */
    static SeasonalBaseline readFrom(DataInput in) throws IOException {
        int dims = in.readInt();
        int periodCount = in.readInt();
        if (dims < 1 || dims > 1024 || periodCount < 0 || periodCount > 64) {
            throw new IOException(
                    "Corrupt seasonal state: " + dims + " dims, " + periodCount + " periods");
        }
        long[] periods = new long[periodCount];
        for (int i = 0; i < periodCount; i++) {
            periods[i] = in.readLong();
            if (periods[i] <= 0) {
                throw new IOException("Corrupt seasonal state: period " + periods[i]);
            }
        }
        SeasonalBaseline b = new SeasonalBaseline(periods, dims, 0);
        b.cadence = in.readLong();
        b.gapCount = in.readInt();
        if (b.cadence < 0 || b.gapCount < 0 || b.gapCount > CADENCE_GAPS) {
            throw new IOException("Corrupt seasonal state: cadence " + b.cadence);
        }
        for (int i = 0; i < b.gapCount; i++) {
            b.gaps[i] = in.readLong();
        }
        b.lastTime = in.readLong();
        b.points = in.readLong();
        b.active = in.readInt();
        int profileCount = in.readInt();
        if (profileCount > periodCount || profileCount < -1) {
            throw new IOException("Corrupt seasonal state: " + profileCount + " profiles");
        }
        if (profileCount >= 0) {
            b.profiles = new Profile[profileCount];
            for (int i = 0; i < profileCount; i++) {
                b.profiles[i] = Profile.readFrom(in, dims);
            }
        }
        if (b.active < -1 || b.active >= Math.max(0, profileCount)) {
            throw new IOException("Corrupt seasonal state: active profile " + b.active);
        }
        int size = in.readInt();
        if (size < 0 || size > REPLAY_CAPACITY) {
            throw new IOException("Corrupt seasonal state: " + size + " replay points");
        }
        for (int i = 0; i < size; i++) {
            b.replayTimes[i] = in.readLong();
            int width = periodCount * dims;
            for (int k = 0; k < width; k++) {
                b.replayDeviations[i * width + k] = in.readFloat();
            }
        }
        b.replaySize = size;
        return b;
    }

    // ------------------------------------------------------------------ learning

    private void learnCadence(long timestamp) {
        if (lastTime != Long.MIN_VALUE && cadence == 0) {
            long gap = timestamp - lastTime;
            if (gap > 0) {
                gaps[gapCount++] = gap;
                if (gapCount == CADENCE_GAPS) {
                    long[] sorted = gaps.clone();
                    Arrays.sort(sorted);
                    cadence = sorted[CADENCE_GAPS / 2];
                    createProfiles();
                }
            }
        }
        lastTime = Math.max(lastTime, timestamp);
    }

    private void createProfiles() {
        List<Profile> list = new ArrayList<>();
        long longest = 0;
        for (long period : periods) {
            if (period / cadence >= MIN_SLOTS) {
                longest = Math.max(longest, period);
            }
        }
        for (long period : periods) {
            long slots = period / cadence;
            if (slots < MIN_SLOTS) {
                continue; // a period of a few points is no season
            }
            list.add(new Profile(period, (int) Math.min(MAX_SLOTS, slots), dims, cadence, longest));
        }
        profiles = list.toArray(new Profile[0]);
    }

    private void remember(long timestamp, double[] value, double[][] refs) {
        int slot;
        if (replaySize < REPLAY_CAPACITY) {
            slot = (replayHead + replaySize) % REPLAY_CAPACITY;
            replaySize++;
        } else {
            slot = replayHead;
            replayHead = (replayHead + 1) % REPLAY_CAPACITY;
        }
        replayTimes[slot] = timestamp;
        int width = periods.length * dims;
        for (int i = 0; i < periods.length; i++) {
            double[] ref = i < refs.length ? refs[i] : null;
            for (int d = 0; d < dims; d++) {
                replayDeviations[slot * width + i * dims + d] =
                        ref == null ? Float.NaN : (float) (value[d] - ref[d]);
            }
        }
    }

    private void chooseActive() {
        if (profiles == null) {
            return;
        }
        int best = active;
        for (int i = 0; i < profiles.length; i++) {
            Profile p = profiles[i];
            if (!p.accepted) {
                continue;
            }
            if (best < 0 || p.relativeError() < profiles[best].relativeError()) {
                best = i;
            }
        }
        // switching between accepted periods needs a clear gain: each switch rebuilds the forest
        if (best != active
                && (active < 0
                        || profiles[best].relativeError()
                                < (1 - ACCEPT_GAIN / 2) * profiles[active].relativeError())) {
            active = best;
        }
    }

    /** One candidate period's profile and its running test. */
    static final class Profile {
        final long period;
        final int slots;
        final int dims;
        final long slotWidth;
        final double pointsPerSlot;
        final float[] values;
        final short[] visits; // saturating at Short.MAX_VALUE: only 1/n below the floor matters
        int visitedSlots;
        long completeAt = Long.MIN_VALUE;
        final double[] level;
        boolean levelSet;
        double seasonSq;
        double levelSq;
        double weight;
        final double decay;
        final double testDecay;
        boolean accepted;

        Profile(long period, int slots, int dims, long cadence, long longest) {
            this(
                    period,
                    slots,
                    dims,
                    Math.max(1, period / slots),
                    Math.max(1.0, (double) Math.max(1, period / slots) / cadence),
                    // the level follows about one period of its own
                    Math.min(1.0, (double) cadence / period),
                    // every profile's errors are averaged over the longest period, so that a
                    // daily profile's misfit at weekends counts when it is compared with a week
                    Math.min(1.0, (double) cadence / longest));
        }

        Profile(
                long period,
                int slots,
                int dims,
                long slotWidth,
                double pointsPerSlot,
                double decay,
                double testDecay) {
            this.period = period;
            this.slots = slots;
            this.dims = dims;
            this.slotWidth = slotWidth;
            this.pointsPerSlot = pointsPerSlot;
            this.values = new float[slots * dims];
            this.visits = new short[slots];
            this.level = new double[dims];
            this.decay = decay;
            this.testDecay = testDecay;
        }

        Profile copy() {
            Profile c =
                    new Profile(period, slots, dims, slotWidth, pointsPerSlot, decay, testDecay);
            System.arraycopy(values, 0, c.values, 0, values.length);
            System.arraycopy(visits, 0, c.visits, 0, visits.length);
            System.arraycopy(level, 0, c.level, 0, level.length);
            c.visitedSlots = visitedSlots;
            c.completeAt = completeAt;
            c.levelSet = levelSet;
            c.seasonSq = seasonSq;
            c.levelSq = levelSq;
            c.weight = weight;
            c.accepted = accepted;
            return c;
        }

        void writeTo(DataOutput out) throws IOException {
            out.writeLong(period);
            out.writeInt(slots);
            out.writeLong(slotWidth);
            out.writeDouble(pointsPerSlot);
            out.writeDouble(decay);
            out.writeDouble(testDecay);
            for (float v : values) {
                out.writeFloat(v);
            }
            for (short v : visits) {
                out.writeShort(v);
            }
            out.writeInt(visitedSlots);
            out.writeLong(completeAt);
            for (double v : level) {
                out.writeDouble(v);
            }
            out.writeBoolean(levelSet);
            out.writeDouble(seasonSq);
            out.writeDouble(levelSq);
            out.writeDouble(weight);
            out.writeBoolean(accepted);
        }

        static Profile readFrom(DataInput in, int dims) throws IOException {
            long period = in.readLong();
            int slots = in.readInt();
            long slotWidth = in.readLong();
            double pointsPerSlot = in.readDouble();
            double decay = in.readDouble();
            double testDecay = in.readDouble();
            if (period <= 0 || slots < 1 || slots > MAX_SLOTS || slotWidth < 1) {
                throw new IOException(
                        "Corrupt seasonal state: profile of " + slots + " slots, period " + period);
            }
            Profile p =
                    new Profile(period, slots, dims, slotWidth, pointsPerSlot, decay, testDecay);
            for (int i = 0; i < p.values.length; i++) {
                p.values[i] = in.readFloat();
            }
            for (int i = 0; i < slots; i++) {
                p.visits[i] = in.readShort();
            }
            p.visitedSlots = in.readInt();
            p.completeAt = in.readLong();
            for (int d = 0; d < dims; d++) {
                p.level[d] = in.readDouble();
            }
            p.levelSet = in.readBoolean();
            p.seasonSq = in.readDouble();
            p.levelSq = in.readDouble();
            p.weight = in.readDouble();
            p.accepted = in.readBoolean();
            return p;
        }

        double position(long timestamp) {
            return (double) Math.floorMod(timestamp, period) / slotWidth;
        }

        boolean complete() {
            return visitedSlots == slots;
        }

        /** The profile at a time: linear between the two nearest slot centres. */
        double[] at(long timestamp) {
            double pos = position(timestamp) - 0.5;
            int left = (int) Math.floor(pos);
            double frac = pos - left;
            int a = Math.floorMod(left, slots);
            int b = Math.floorMod(left + 1, slots);
            double[] out = new double[dims];
            for (int d = 0; d < dims; d++) {
                out[d] = (1 - frac) * values[a * dims + d] + frac * values[b * dims + d];
            }
            return out;
        }

        double relativeError() {
            return levelSq > 0 ? seasonSq / levelSq : 1.0;
        }

        /** Learns one point; {@code ref} is this profile's reference for it, null if incomplete. */
        void update(long timestamp, double[] x, double[] ref) {
            boolean complete = ref != null;
            if (complete) {
                double es = 0;
                double el = 0;
                for (int d = 0; d < dims; d++) {
                    es += (x[d] - ref[d]) * (x[d] - ref[d]);
                    el += (x[d] - level[d]) * (x[d] - level[d]);
                }
                if (weight >= WARM_WEIGHT) {
                    // Huber-style: an outlier counts as ERROR_CAP_SQ times the mean square at
                    // most, so one anomaly cannot inflate the spread that clips the profile
                    es = Math.min(es, ERROR_CAP_SQ * seasonSq / weight);
                    el = Math.min(el, ERROR_CAP_SQ * levelSq / weight);
                }
                seasonSq = (1 - testDecay) * seasonSq + testDecay * es;
                levelSq = (1 - testDecay) * levelSq + testDecay * el;
                weight = (1 - testDecay) * weight + testDecay;
                if (!accepted
                        && timestamp - completeAt >= period / 2
                        && levelSq > 0
                        && seasonSq <= (1 - ACCEPT_GAIN) * levelSq) {
                    accepted = true;
                }
            }
            for (int d = 0; d < dims; d++) {
                level[d] = levelSet ? level[d] + decay * (x[d] - level[d]) : x[d];
            }
            levelSet = true;

            int slot = Math.min(slots - 1, (int) position(timestamp));
            double sigma = weight > 0 ? Math.sqrt(seasonSq / weight / dims) : Double.NaN;
            if (visits[slot] < Short.MAX_VALUE) {
                visits[slot]++;
            }
            int n = visits[slot];
            if (n == 1) {
                visitedSlots++;
                if (complete()) {
                    completeAt = timestamp;
                }
            }
            // equal weights while a slot is young, then a fixed share per period
            double alpha = Math.max(1.0 / n, PERIOD_ALPHA / pointsPerSlot);
            for (int d = 0; d < dims; d++) {
                int i = slot * dims + d;
                double v = x[d];
                if (n == 1) {
                    values[i] = (float) v;
                    continue;
                }
                if (complete && sigma > 0) {
                    double lo = values[i] - CLIP_SIGMAS * sigma;
                    double hi = values[i] + CLIP_SIGMAS * sigma;
                    v = Math.max(lo, Math.min(hi, v));
                }
                values[i] = (float) (values[i] + alpha * (v - values[i]));
            }
        }
    }
}
