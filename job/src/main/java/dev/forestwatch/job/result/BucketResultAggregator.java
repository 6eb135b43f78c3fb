package dev.forestwatch.job.result;

import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.ScoringSpec;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ResultIds;
import dev.forestwatch.job.parse.Buckets;
import dev.forestwatch.job.score.ScoreModel;
import dev.forestwatch.job.score.ScoreModelSerializer;
import dev.forestwatch.job.score.Scores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by job: collects the scored records of each bucket from every detector and series and, once
 * the watermark shows every series has closed that bucket, emits the influencer results and one
 * {@link BucketResult}, each with a probability and a 0–100 score normalized against the job's
 * other buckets (or influencers) in the renormalization window. Earlier results whose score moved
 * by at least {@code renormalization_min_change} are re-emitted to {@link
 * RecordNormalizer#RENORMALIZED}. Interim records yield interim bucket results.
 *
 * <p>Records leave the scorers with the bucket's close time (or an interim time) as their stream
 * timestamp; a timer at that time fires only after the watermark passed it on every input channel,
 * i.e. after every scorer subtask fired its own timer for the bucket.
 */
public class BucketResultAggregator
        extends KeyedProcessFunction<String, RecordResult, BucketResult> {
    /** Influencer results of final buckets. */
    public static final OutputTag<InfluencerResult> INFLUENCERS =
            new OutputTag<>("influencers", TypeInformation.of(InfluencerResult.class)) {};

    private static final String BUCKET_TIME = "bucket_time";

    private final long spanMillis;
    private final long latenessMillis;
    private final int eventCountDetector;
    private final long windowMillis;
    private final double minChange;
    private final double floor;
    private final double minScore;

    private transient MapState<Long, BucketSummary> finals;
    private transient MapState<Long, BucketSummary> closed;
    private transient MapState<Long, Long> closedAtWatermark;
    private transient Counter recordsBehindWatermark;
    private transient Renormalization renormalization;
    private transient MapState<Long, BucketSummary> interims;
    private transient ValueState<ScoreModel> bucketModel;
    private transient ValueState<ScoreModel> influencerModel;
    private transient MapState<String, TrackedBucket> trackedBuckets;
    private transient MapState<String, TrackedInfluencer> trackedInfluencers;
    private transient ValueState<Double> bucketMax;
    private transient ValueState<Double> influencerMax;

    /**
     * @param spec the job
     * @param eventCountDetector the detector whose event counts add up to the bucket's events
     *     (every valid event reaches every detector, so any one will do)
     */
    public BucketResultAggregator(JobSpec spec, int eventCountDetector) {
        this.spanMillis = spec.analysis().bucketSpan().toMillis();
        this.latenessMillis = spec.event().allowedLateness().toMillis();
        this.eventCountDetector = eventCountDetector;
        ScoringSpec s = spec.scoring();
        this.windowMillis = s.renormalizationWindow().toMillis();
        this.minChange = s.renormalizationMinChange();
        this.floor = s.normalizationFloor();
        this.minScore = s.minRecordScore();
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<BucketSummary> summary = TypeInformation.of(BucketSummary.class);
        finals =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>("bucket-summaries", Types.LONG, summary));
        interims =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>("interim-summaries", Types.LONG, summary));
        closed =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "closed-bucket-summaries", Types.LONG, summary));
        closedAtWatermark =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "closed-at-watermark", Types.LONG, Types.LONG));
        recordsBehindWatermark =
                getRuntimeContext().getMetricGroup().counter("recordsBehindWatermark");
        renormalization =
                Renormalization.withMetrics(getRuntimeContext().getMetricGroup(), floor, minChange);
        bucketModel =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "bucket-score-model", new ScoreModelSerializer()));
        influencerModel =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "influencer-score-model", new ScoreModelSerializer()));
        trackedBuckets =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "tracked-buckets",
                                        Types.STRING,
                                        TypeInformation.of(TrackedBucket.class)));
        bucketMax =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("bucket-window-max", Types.DOUBLE));
        influencerMax =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>("influencer-window-max", Types.DOUBLE));
        trackedInfluencers =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "tracked-influencers",
                                        Types.STRING,
                                        TypeInformation.of(TrackedInfluencer.class)));
    }

    private boolean isCloseTime(long timestamp) {
        return Math.floorMod(timestamp + 1 - latenessMillis, spanMillis) == 0;
    }

    @Override
    public void processElement(RecordResult r, Context ctx, Collector<BucketResult> out)
            throws Exception {
        long bucket = Buckets.start(r.timestamp(), spanMillis);
        long watermark = ctx.timerService().currentWatermark();
        if (r.isInterim()) {
            long at = ctx.timestamp();
            BucketSummary s = interims.get(at);
            s = s == null ? new BucketSummary() : s;
            s.add(r, r.detectorIndex() == eventCountDetector);
            interims.put(at, s);
            registerDue(at, ctx);
            return;
        }
        long close = Buckets.closeTime(bucket, spanMillis, latenessMillis);
        BucketSummary s = finals.get(bucket);
        if (s == null && close <= watermark) {
            // Already reported: the record comes from an upstream subtask that was idle while
            // another one moved this operator's watermark past the bucket (see flushBehind). The
            // bucket is reported again, complete, under the same result id.
            s = closed.get(bucket);
        }
        s = s == null ? new BucketSummary() : s;
        s.add(r, r.detectorIndex() == eventCountDetector);
        finals.put(bucket, s);
        registerDue(close, ctx);
    }

    /** A timer for a bucket due at {@code at} (see {@link DueTimers}); counts late arrivals. */
    private void registerDue(long at, Context ctx) {
        if (DueTimers.register(ctx.timerService(), at)) {
            recordsBehindWatermark.inc();
        }
    }

    /** Reports, in time order, every pending interim and final bucket the watermark has passed. */
    private void flushBehind(OnTimerContext ctx, Collector<BucketResult> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        List<Long> dueInterims = new ArrayList<>();
        for (Long at : interims.keys()) {
            if (at <= watermark) {
                dueInterims.add(at);
            }
        }
        dueInterims.sort(null);
        for (long at : dueInterims) {
            BucketSummary s = interims.get(at);
            interims.remove(at);
            emitInterim(ctx.getCurrentKey(), Buckets.start(at, spanMillis), s, out);
        }
        List<Long> dueFinals = new ArrayList<>();
        for (Long bucket : finals.keys()) {
            if (Buckets.closeTime(bucket, spanMillis, latenessMillis) <= watermark) {
                dueFinals.add(bucket);
            }
        }
        dueFinals.sort(null);
        for (long bucket : dueFinals) {
            BucketSummary s = finals.get(bucket);
            finals.remove(bucket);
            emitFinal(ctx.getCurrentKey(), bucket, s, ctx, out);
            keepClosed(bucket, s, watermark, ctx);
        }
    }

    /**
     * Keeps a reported bucket's summary until the watermark moves on: records of that bucket that
     * an idle upstream subtask still has in flight arrive before it can (that subtask forwards them
     * before its own watermark), so a bucket reported early is reported again complete.
     */
    private void keepClosed(long bucket, BucketSummary s, long watermark, Context ctx)
            throws Exception {
        if (watermark == Long.MAX_VALUE) {
            return; // end of input: nothing can follow
        }
        closed.put(bucket, s);
        closedAtWatermark.put(bucket, watermark);
        ctx.timerService().registerEventTimeTimer(watermark + 1);
    }

    /** Forgets the buckets reported at an earlier watermark than the current one. */
    private void dropClosedBefore(long watermark) throws Exception {
        if (closedAtWatermark.isEmpty()) {
            return;
        }
        List<Long> done = new ArrayList<>();
        for (Map.Entry<Long, Long> e : closedAtWatermark.entries()) {
            if (e.getValue() < watermark) {
                done.add(e.getKey());
            }
        }
        for (Long bucket : done) {
            closed.remove(bucket);
            closedAtWatermark.remove(bucket);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<BucketResult> out)
            throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            flushBehind(ctx, out);
            return;
        }
        dropClosedBefore(ctx.timerService().currentWatermark());
        BucketSummary interim = interims.get(timestamp);
        if (interim != null) {
            // an interim time of a bucket may equal the close time of the one before it
            interims.remove(timestamp);
            emitInterim(ctx.getCurrentKey(), Buckets.start(timestamp, spanMillis), interim, out);
        }
        if (!isCloseTime(timestamp)) {
            if (isPruneTime(timestamp)) {
                // the earliest bucket that can still close after this time is the reference
                pruneTracked(timestamp + 1 - latenessMillis - spanMillis);
            }
            // else: the timer that forgets reported buckets; its time follows the watermark, so
            // pruning there would make renormalizations depend on how the watermark advanced
            return;
        }
        long bucket = Buckets.startOfClose(timestamp, spanMillis, latenessMillis);
        BucketSummary s = finals.get(bucket);
        if (s == null) {
            return;
        }
        finals.remove(bucket);
        emitFinal(ctx.getCurrentKey(), bucket, s, ctx, out);
        keepClosed(bucket, s, ctx.timerService().currentWatermark(), ctx);
    }

    private void emitInterim(
            String jobId, long bucket, BucketSummary s, Collector<BucketResult> out)
            throws Exception {
        ScoreModel bm = bucketModel.value();
        double windowMax = bm == null ? 0 : bm.windowMax();
        double score =
                Scores.normalizedScore(Scores.unusualness(s.minProbability), windowMax, floor);
        out.collect(
                bucketResult(
                        jobId,
                        bucket,
                        s,
                        score,
                        true,
                        new String[] {BUCKET_TIME},
                        new double[] {s.minProbability},
                        new double[] {score}));
    }

    private void emitFinal(
            String jobId, long bucket, BucketSummary s, Context ctx, Collector<BucketResult> out)
            throws Exception {
        ScoreModel bm = bucketModel.value();
        bm = bm == null ? new ScoreModel() : bm;
        ScoreModel im = influencerModel.value();
        im = im == null ? new ScoreModel() : im;
        // the maxima as last used: a maximum leaving the window must renormalize upwards too
        Double lastBucketMax = bucketMax.value();
        Double lastInfluencerMax = influencerMax.value();
        double bucketMaxBefore = lastBucketMax == null ? bm.windowMax() : lastBucketMax;
        double influencerMaxBefore = lastInfluencerMax == null ? im.windowMax() : lastInfluencerMax;
        bm.expireBefore(bucket - windowMillis);
        im.expireBefore(bucket - windowMillis);

        double bucketU = Scores.unusualness(s.minProbability);
        bm.observeUnusualness(bucket, bucketU);
        double[] influencerU = new double[s.influencerCount];
        for (int i = 0; i < influencerU.length; i++) {
            influencerU[i] = Scores.unusualness(s.influencerMinProbability[i]);
            im.observeUnusualness(bucket, influencerU[i]);
        }
        double bucketScore = Scores.normalizedScore(bucketU, bm.windowMax(), floor);

        // influencer results, and per influencer field its most unusual value for the bucket
        Map<String, Double> fieldMinP = new LinkedHashMap<>();
        long spanSeconds = spanMillis / 1000;
        for (int i = 0; i < influencerU.length; i++) {
            double score = Scores.normalizedScore(influencerU[i], im.windowMax(), floor);
            fieldMinP.merge(s.influencerFields[i], s.influencerMinProbability[i], Math::min);
            InfluencerResult inf =
                    new InfluencerResult(
                            ResultIds.influencer(
                                    jobId,
                                    bucket,
                                    spanSeconds,
                                    s.influencerFields[i],
                                    s.influencerValues[i]),
                            jobId,
                            bucket,
                            spanSeconds,
                            s.influencerFields[i],
                            s.influencerValues[i],
                            score,
                            score,
                            s.influencerMinProbability[i],
                            s.influencerRecords[i],
                            false);
            if (score >= minScore) {
                ctx.output(INFLUENCERS, inf);
                if (minChange > 0 && score >= minChange) {
                    trackedInfluencers.put(
                            inf.resultId(), new TrackedInfluencer(inf, influencerU[i], score));
                }
            }
        }
        int n = 1 + fieldMinP.size();
        String[] fields = new String[n];
        double[] probabilities = new double[n];
        double[] scores = new double[n];
        fields[0] = BUCKET_TIME;
        probabilities[0] = s.minProbability;
        scores[0] = bucketScore;
        int k = 1;
        for (Map.Entry<String, Double> e : fieldMinP.entrySet()) {
            fields[k] = e.getKey();
            probabilities[k] = e.getValue();
            scores[k] =
                    Scores.normalizedScore(Scores.unusualness(e.getValue()), im.windowMax(), floor);
            k++;
        }
        BucketResult result =
                bucketResult(jobId, bucket, s, bucketScore, false, fields, probabilities, scores);
        out.collect(result);
        if (minChange > 0 && bucketScore >= minChange) {
            trackedBuckets.put(result.resultId(), new TrackedBucket(result, bucketU, bucketScore));
        }

        if (Math.max(bucketMaxBefore, floor) != Math.max(bm.windowMax(), floor)) {
            renormalizeBuckets(bucket, bucketMaxBefore, bm.windowMax(), result.resultId(), ctx);
        }
        if (Math.max(influencerMaxBefore, floor) != Math.max(im.windowMax(), floor)) {
            renormalizeInfluencers(bucket, influencerMaxBefore, im.windowMax(), ctx);
        }
        bucketModel.update(bm);
        influencerModel.update(im);
        bucketMax.update(bm.windowMax());
        influencerMax.update(im.windowMax());
        pruneTracked(bucket);
        if (!trackedBuckets.isEmpty() || !trackedInfluencers.isEmpty()) {
            // tracked results leave the window even when no maximum changes: prune then
            ctx.timerService().registerEventTimeTimer(pruneTime(bucket + windowMillis));
        }
    }

    private boolean isPruneTime(long timestamp) {
        long step = Math.max(spanMillis, windowMillis / 16);
        return Math.floorMod(timestamp - 1, step) == 0;
    }

    /** Prune timers fall on whole windows-fractions so that there are few of them. */
    private long pruneTime(long t) {
        long step = Math.max(spanMillis, windowMillis / 16);
        return (Math.floorDiv(t, step) + 1) * step + 1;
    }

    /** Drops tracked buckets and influencers that left the renormalization window. */
    private void pruneTracked(long now) throws Exception {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, TrackedBucket> e : trackedBuckets.entries()) {
            if (e.getValue().result.timestamp() < now - windowMillis) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            trackedBuckets.remove(id);
        }
        expired.clear();
        for (Map.Entry<String, TrackedInfluencer> e : trackedInfluencers.entries()) {
            if (e.getValue().result.timestamp() < now - windowMillis) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            trackedInfluencers.remove(id);
        }
    }

    private BucketResult bucketResult(
            String jobId,
            long bucket,
            BucketSummary s,
            double score,
            boolean interim,
            String[] fields,
            double[] probabilities,
            double[] scores) {
        long spanSeconds = spanMillis / 1000;
        return new BucketResult(
                ResultIds.bucket(jobId, bucket, spanSeconds),
                jobId,
                bucket,
                spanSeconds,
                score,
                score,
                s.minProbability,
                s.eventCount,
                s.recordCount,
                s.anomalousRecordCount,
                s.maxGrade,
                s.maxRawScore,
                Math.max(0, s.maxRecordScore),
                s.topRecordSeries,
                s.processingNanos / 1_000_000,
                interim,
                fields,
                probabilities,
                scores,
                scores.clone());
    }

    private void renormalizeBuckets(
            long now, double previousMax, double windowMax, String current, Context ctx)
            throws Exception {
        renormalization.rescore(
                trackedBuckets,
                now - windowMillis,
                previousMax,
                windowMax,
                (id, t) -> id.equals(current),
                t -> ctx.output(RecordNormalizer.RENORMALIZED, t.json()));
    }

    private void renormalizeInfluencers(long now, double previousMax, double windowMax, Context ctx)
            throws Exception {
        renormalization.rescore(
                trackedInfluencers,
                now - windowMillis,
                previousMax,
                windowMax,
                // emitted just now with the current maximum
                (id, t) -> t.result.timestamp() == now,
                t -> ctx.output(RecordNormalizer.RENORMALIZED, t.json()));
    }
}
