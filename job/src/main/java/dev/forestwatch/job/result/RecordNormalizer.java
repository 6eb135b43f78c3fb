package dev.forestwatch.job.result;

import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.ScoringSpec;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.score.ScoreModel;
import dev.forestwatch.job.score.ScoreModelSerializer;
import dev.forestwatch.job.score.Scores;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by job and detector: turns each record's raw forest score into a probability (how unusual
 * the score is given every score the detector has produced) and a 0–100 record score (its
 * unusualness relative to the most unusual record in the renormalization window), and re-emits
 * earlier records whose score moved by at least {@code renormalization_min_change} when that
 * maximum changes.
 *
 * <p>Probability and score are computed before the record's own raw score joins the history, so a
 * record is judged against the past only. Interim records are scored but change nothing.
 */
public class RecordNormalizer extends KeyedProcessFunction<String, RecordResult, RecordResult> {
    /** Updated results (records, influencers, buckets) as JSON lines, same result ids. */
    public static final OutputTag<String> RENORMALIZED =
            new OutputTag<>("renormalized", Types.STRING) {};

    private final long windowMillis;
    private final double minChange;
    private final double floor;
    private final double minRecordScore;
    private final long closeDelayMillis;
    private final double rangeMargin;

    private transient ValueState<ScoreModel> model;
    private transient ValueState<Double> lastWindowMax;
    private transient MapState<String, TrackedRecord> tracked;
    private transient MapState<String, RecordResult> pending;
    private transient Counter renormalized;
    private transient Counter recordsScored;
    private transient Counter recordsBehindWatermark;
    private transient Renormalization renormalization;

    public RecordNormalizer(JobSpec spec) {
        ScoringSpec s = spec.scoring();
        this.windowMillis = s.renormalizationWindow().toMillis();
        this.minChange = s.renormalizationMinChange();
        this.floor = s.normalizationFloor();
        this.minRecordScore = s.minRecordScore();
        this.rangeMargin = s.rangeMargin();
        this.closeDelayMillis =
                spec.analysis().bucketSpan().toMillis() + spec.event().allowedLateness().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        model =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "score-model", new ScoreModelSerializer()));
        lastWindowMax =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("last-window-max", Types.DOUBLE));
        tracked =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "tracked-records",
                                        Types.STRING,
                                        TypeInformation.of(TrackedRecord.class)));
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending-records",
                                        Types.STRING,
                                        TypeInformation.of(RecordResult.class)));
        renormalized = getRuntimeContext().getMetricGroup().counter("recordsRenormalized");
        recordsScored = getRuntimeContext().getMetricGroup().counter("records");
        recordsBehindWatermark =
                getRuntimeContext().getMetricGroup().counter("recordsBehindWatermark");
        renormalization =
                Renormalization.withMetrics(getRuntimeContext().getMetricGroup(), floor, minChange);
    }

    @Override
    public void processElement(RecordResult r, Context ctx, Collector<RecordResult> out)
            throws Exception {
        Long at = ctx.timestamp();
        if (at == null) {
            score(r, ctx, out);
            return;
        }
        if (at <= ctx.timerService().currentWatermark()) {
            // Behind this operator's watermark: it happens when every source subtask went idle and
            // the scorer subtasks came back active in a different order, so another scorer's
            // watermark got here first. A timer at or before the watermark only fires when the
            // watermark moves again, which on a quiet stream may be never: score it now.
            recordsBehindWatermark.inc();
            score(r, ctx, out);
            return;
        }
        // Records of one bucket arrive from parallel scorer subtasks in any order. Scoring them on
        // arrival would make every probability depend on that order; buffer them until the
        // watermark passes their time and score them in result-id order: same input, same scores.
        pending.put(pendingKey(at, r), r);
        ctx.timerService().registerEventTimeTimer(at);
    }

    private static String pendingKey(long at, RecordResult r) {
        return at + "|" + (r.isInterim() ? "0" : "1") + "|" + r.resultId();
    }

    private void scorePending(long timestamp, Context ctx, Collector<RecordResult> out)
            throws Exception {
        String prefix = timestamp + "|";
        List<String> keys = new ArrayList<>();
        for (String key : pending.keys()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        Collections.sort(keys);
        for (String key : keys) {
            RecordResult r = pending.get(key);
            pending.remove(key);
            score(r, ctx, out);
        }
    }

    private void score(RecordResult r, Context ctx, Collector<RecordResult> out) throws Exception {
        ScoreModel m = model.value();
        if (m == null) {
            m = new ScoreModel();
        }
        if (r.isInterim()) {
            double p = probability(m, r, rangeMargin);
            double score = Scores.normalizedScore(Scores.unusualness(p), m.windowMax(), floor);
            out.collect(r.withScores(p, score, score));
            return;
        }
        m.expireBefore(r.timestamp() - windowMillis);
        double p = probability(m, r, rangeMargin);
        if (r.modelReady()) {
            m.addRawScore(r.rawScore());
        }
        double u = Scores.unusualness(p);
        m.observeUnusualness(r.timestamp(), u);
        double windowMax = m.windowMax();
        double score = Scores.normalizedScore(u, windowMax, floor);
        RecordResult scored = r.withScores(p, score, score);
        out.collect(scored);
        recordsScored.inc();

        Double previousMax = lastWindowMax.value();
        if (previousMax != null && Math.max(previousMax, floor) != Math.max(windowMax, floor)) {
            renormalize(r.timestamp(), previousMax, windowMax, ctx);
        }
        lastWindowMax.update(windowMax);
        if (minChange > 0 && score >= minRecordScore && score >= minChange) {
            tracked.put(scored.resultId(), new TrackedRecord(scored, u, score));
            // tracked records leave the window even when no maximum changes: prune then
            ctx.timerService().registerEventTimeTimer(pruneTime(r.timestamp() + windowMillis));
        }
        model.update(m);
    }

    /** Prune timers fall on sixteenths of the window, so there are few of them per key. */
    private long pruneTime(long t) {
        long step = pruneStep();
        return (Math.floorDiv(t, step) + 1) * step;
    }

    private long pruneStep() {
        return Math.max(1, windowMillis / 16);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RecordResult> out)
            throws Exception {
        scorePending(timestamp, ctx, out);
        if (Math.floorMod(timestamp, pruneStep()) != 0) {
            // a bucket's scoring timer: pruning the tracked records on every one of them scanned
            // the whole window per bucket, a cost that grew with the run; prune timers suffice
            return;
        }
        List<String> expired = new ArrayList<>();
        // records reach this operator at their bucket's close time, so a record scored after
        // this timer is at least (span + lateness) older than the timer: keep what it may need
        long reference = timestamp - closeDelayMillis;
        for (Map.Entry<String, TrackedRecord> e : tracked.entries()) {
            if (e.getValue().record.timestamp() < reference - windowMillis) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            tracked.remove(id);
        }
    }

    /**
     * Most unusualness a record can get when its forest did not grade it anomalous: a probability
     * of at least 1e-3, so a score of at most 37.5 (minor). What the forest's own adaptive
     * threshold did not flag cannot be major or critical.
     */
    static final double UNGRADED_MAX_UNUSUALNESS = 3.0;

    /** Unusualness a grade of 1 adds above {@link #UNGRADED_MAX_UNUSUALNESS}. */
    static final double GRADE_SPAN = 2.0;

    /**
     * Weight of how far out in the detector's tail a graded record's raw score lies: {@code
     * TAIL_WEIGHT * log10(1 + max(0, t - 3) / 3)} for tail unusualness {@code t}, compressed so
     * that one extreme spike does not dwarf every other anomaly (an unusualness of 300, the most
     * there is, adds 8; one of 20 adds 3.3; one of 4 adds 0.5).
     */
    static final double TAIL_WEIGHT = 4.0;

    /**
     * Weight of the raw score among records of equal grade (grades take few distinct values, and
     * among them a higher raw score is the stronger anomaly).
     */
    static final double RAW_SCORE_TIE = 0.1;

    /**
     * Data confidence below which a record's unusualness is damped in proportion: a young forest
     * (its samples not yet half full) scores erratically, so its first days must not fill the top.
     */
    static final double YOUNG_CONFIDENCE = 0.5;

    /**
     * Unusualness per decade of range excess beyond the margin, for a record that leaves its
     * series' range: at the margin it ranks with a fully graded record (major); ten times the
     * margin adds 2 (critical), a hundred times 4.
     */
    static final double RANGE_WEIGHT = 2.0;

    /**
     * The record's probability, {@code 10^-u}, from its unusualness {@code u}:
     *
     * <ul>
     *   <li>graded by its forest (grade {@code g > 0}): {@code u = 3 + 2 g + 0.1 r / (1 + r) + 4
     *       log10(1 + max(0, t - 3) / 3)} with raw score {@code r} and tail unusualness {@code t}
     *       (below): the forest's thresholded grade, which adapts to each series, decides that a
     *       record is an anomaly (above every ungraded record), how far its raw score lies beyond
     *       the detector's history decides how strong, and the raw score breaks ties;
     *   <li>not graded: the tail probability of its effective score among the detector's past raw
     *       scores, discounted by the forest's data confidence ({@code p' = p^confidence}), and at
     *       most {@link #UNGRADED_MAX_UNUSUALNESS};
     *   <li>when the value leaves the range its series has seen by more than {@code rangeMargin} of
     *       that range (excess {@code x}), at least {@code 3 + 2 + 0.1 + 2 log10(x / rangeMargin)}:
     *       a new extreme is an anomaly whatever the forest's grade;
     *   <li>either way damped while the forest is young: times {@code min(1, confidence / 0.5)}.
     * </ul>
     *
     * This ranks anomalies better than the grade alone or the tail probability alone on the NAB
     * corpus (README, "Detection quality"); a not-ready forest gives 1.
     */
    static double probability(ScoreModel m, RecordResult r, double rangeMargin) {
        if (!r.modelReady()) {
            return 1.0;
        }
        double confidence = Math.max(0, Math.min(1, r.confidence()));
        double u;
        double tail = Scores.unusualness(m.probability(effectiveScore(r))) * confidence;
        if (r.grade() > 0) {
            double raw = Double.isNaN(r.rawScore()) ? 0 : Math.max(0, r.rawScore());
            double tie = Double.isInfinite(raw) ? 1 : raw / (1 + raw);
            double excess = Math.max(0, tail - UNGRADED_MAX_UNUSUALNESS) / UNGRADED_MAX_UNUSUALNESS;
            u =
                    UNGRADED_MAX_UNUSUALNESS
                            + GRADE_SPAN * Math.min(1, r.grade())
                            + RAW_SCORE_TIE * tie
                            + TAIL_WEIGHT * Math.log10(1 + excess);
        } else {
            u = Math.min(tail, UNGRADED_MAX_UNUSUALNESS);
        }
        if (rangeMargin >= 0 && r.rangeExcess() > rangeMargin) {
            double breach =
                    UNGRADED_MAX_UNUSUALNESS
                            + GRADE_SPAN
                            + RAW_SCORE_TIE
                            + RANGE_WEIGHT * Math.log10(r.rangeExcess() / rangeMargin);
            u = Math.max(u, Math.min(breach, 300.0));
        }
        u *= Math.min(1, confidence / YOUNG_CONFIDENCE);
        return Math.max(Double.MIN_NORMAL, Math.pow(10, -u));
    }

    /**
     * The score judged for probability: the raw score when the forest graded the record anomalous,
     * else at most the forest's threshold. After an anomaly the raw score stays high while the
     * anomalous bucket is still inside the shingle; the thresholded forest knows it has already
     * reported that anomaly (grade 0), and so must the probability.
     */
    static double effectiveScore(RecordResult r) {
        return r.grade() > 0 ? r.rawScore() : Math.min(r.rawScore(), r.threshold());
    }

    private void renormalize(long now, double previousMax, double windowMax, Context ctx)
            throws Exception {
        int updates =
                renormalization.rescore(
                        tracked,
                        now - windowMillis,
                        previousMax,
                        windowMax,
                        (id, t) -> false,
                        t -> ctx.output(RENORMALIZED, t.json()));
        renormalized.inc(updates);
    }
}
