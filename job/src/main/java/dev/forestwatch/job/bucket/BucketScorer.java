package dev.forestwatch.job.bucket;

import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.returntypes.DiVector;
import com.amazon.randomcutforest.returntypes.TimedRangeVector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.deadletter.DeadLetterReason;
import dev.forestwatch.job.config.Aggregation;
import dev.forestwatch.job.config.DetectorSpec;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.ModelSpec;
import dev.forestwatch.job.config.ScoringSpec;
import dev.forestwatch.job.config.SeasonalitySpec;
import dev.forestwatch.job.config.Side;
import dev.forestwatch.job.detect.ForestFactory;
import dev.forestwatch.job.detect.ForestParams;
import dev.forestwatch.job.detect.ForestSerializer;
import dev.forestwatch.job.detect.MovingLevel;
import dev.forestwatch.job.detect.SeenRange;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ResultIds;
import dev.forestwatch.job.model.SeriesPoint;
import dev.forestwatch.job.parse.Buckets;
import dev.forestwatch.job.parse.DeadLetterCounters;
import dev.forestwatch.job.parse.EventParser;
import dev.forestwatch.job.season.SeasonalBaseline;
import dev.forestwatch.job.season.SeasonalBaselineSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per series: aggregates events into event-time buckets, and when the watermark passes a bucket's
 * end plus the allowed lateness, feeds the bucket's value (a vector for multivariate detectors) to
 * the series' own forest and emits a {@link RecordResult} with actual, typical, attribution and a
 * human reason. Per-event detectors (function {@code value}) score each event of the bucket, in
 * event-time order, instead of an aggregate.
 *
 * <p>Buckets reach the forest strictly in event-time order because event-time timers fire in order.
 * For {@code count} detectors a closed bucket schedules the next one, so a known series that falls
 * silent yields zero counts (until {@code limits.state_ttl} of event time without events, or the
 * end of a bounded input). With {@code analysis.interim_every}, interim records score the partial
 * bucket on a copy of the forest, leaving the forest itself untouched. All state expires after
 * {@code limits.state_ttl} without writes.
 *
 * <p>Live series are capped per subtask ({@code limits.max_series_per_subtask}): an event that
 * would start one more is a dead letter with reason {@code series_limit}, never silently dropped. A
 * series leaves when {@code limits.state_ttl} of event time passes after its last event's bucket
 * closed, which frees its place. The count is kept per key group in operator state, so after a
 * rescale every subtask knows exactly how many series its key groups hold.
 */
public class BucketScorer extends KeyedProcessFunction<String, SeriesPoint, RecordResult>
        implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(BucketScorer.class);
    private static final ObjectMapper DESCRIBE_JSON = new ObjectMapper();

    private final String jobId;
    private final long spanMillis;
    private final long latenessMillis;
    private final long ttlMillis;
    private final long interimMillis;
    private final boolean forecastTypical;
    private final boolean baselineTypical;
    private final List<DetectorSpec> detectors;
    private final List<String> influencerFields;
    private final ModelSpec model;
    private final int maxSeries;
    private final long[] seasonalPeriods;
    private final boolean rangeRule;
    private final double rangeMargin;

    private transient MapState<Long, BucketAccumulator> openBuckets;
    private transient ValueState<ThresholdedRandomCutForest> forest;
    private transient ValueState<SeasonalBaseline> seasons;
    private transient ValueState<double[]> seenRange;
    private transient ValueState<double[]> movingLevel;
    private transient Counter seasonalRebuilds;
    private transient ValueState<SeriesMeta> meta;
    private transient ValueState<Long> lastScoredBucket;
    private transient ValueState<Long> lastEventBucket;
    private transient ValueState<Long> expiryAt;
    private transient ListState<Long> liveCountsState;
    private transient int[] liveByKeyGroup;
    private transient int liveSeries;
    private transient Counter seriesExpired;
    private transient Histogram scoringMicros;
    private transient long forestBytes;
    private transient long closesSinceSample;
    private transient ForestSerializer copier;
    private transient Counter bucketsScored;
    private transient Counter interimRecords;
    private transient Counter forestErrors;
    private transient DeadLetterCounters deadLetters;

    public BucketScorer(JobSpec spec) {
        this.jobId = spec.jobId();
        this.spanMillis = spec.analysis().bucketSpan().toMillis();
        this.latenessMillis = spec.event().allowedLateness().toMillis();
        this.ttlMillis = spec.limits().stateTtl().toMillis();
        Duration interim = spec.analysis().interimEvery();
        this.interimMillis = interim == null ? 0 : interim.toMillis();
        this.forecastTypical = spec.scoring().typical() == ScoringSpec.Typical.FORECAST;
        this.baselineTypical = spec.scoring().typical() == ScoringSpec.Typical.BASELINE;
        this.detectors = spec.analysis().detectors();
        this.influencerFields = spec.analysis().influencers();
        this.model = spec.model();
        this.maxSeries = spec.limits().maxSeriesPerSubtask();
        this.seasonalPeriods = spec.model().seasonality().periodMillis();
        this.rangeMargin = spec.scoring().rangeMargin();
        this.rangeRule = !Double.isNaN(rangeMargin);
    }

    /** The forest settings of a spec's model section for a detector. */
    public static ForestParams forestParams(ModelSpec m, DetectorSpec detector) {
        return forestParams(m, detector, false);
    }

    /**
     * The forest settings for a series whose input has a seasonal reference, or not. The input has
     * the same dimensions either way (the deviation takes the value's place), so the settings do
     * not differ today; the flag keeps that choice in one place.
     */
    static ForestParams forestParams(ModelSpec m, DetectorSpec detector, boolean seasonal) {
        return new ForestParams(
                m.trees(),
                m.sampleSize(),
                m.shingleSize(),
                detector.dimensions(),
                m.timeDecay(),
                m.seed(),
                m.warmUp(),
                m.anomalyRate(),
                m.normalize(),
                m.boundingBoxCacheFraction(),
                m.alertOnce());
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl =
                StateTtlConfig.newBuilder(Duration.ofMillis(ttlMillis))
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build();
        MapStateDescriptor<Long, BucketAccumulator> bucketsDesc =
                new MapStateDescriptor<>(
                        "open-buckets", Types.LONG, TypeInformation.of(BucketAccumulator.class));
        bucketsDesc.enableTimeToLive(ttl);
        ValueStateDescriptor<ThresholdedRandomCutForest> forestDesc =
                new ValueStateDescriptor<>("forest", new ForestSerializer());
        forestDesc.enableTimeToLive(ttl);
        ValueStateDescriptor<SeasonalBaseline> seasonsDesc =
                new ValueStateDescriptor<>("seasonal-baseline", new SeasonalBaselineSerializer());
        seasonsDesc.enableTimeToLive(ttl);
        ValueStateDescriptor<double[]> rangeDesc =
                new ValueStateDescriptor<>(
                        "seen-range", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
        rangeDesc.enableTimeToLive(ttl);
        ValueStateDescriptor<SeriesMeta> metaDesc =
                new ValueStateDescriptor<>("series", TypeInformation.of(SeriesMeta.class));
        metaDesc.enableTimeToLive(ttl);
        ValueStateDescriptor<Long> lastScoredDesc =
                new ValueStateDescriptor<>("last-scored-bucket", Types.LONG);
        lastScoredDesc.enableTimeToLive(ttl);
        ValueStateDescriptor<Long> lastEventDesc =
                new ValueStateDescriptor<>("last-event-bucket", Types.LONG);
        lastEventDesc.enableTimeToLive(ttl);

        openBuckets = getRuntimeContext().getMapState(bucketsDesc);
        forest = getRuntimeContext().getState(forestDesc);
        seasons = getRuntimeContext().getState(seasonsDesc);
        seenRange = getRuntimeContext().getState(rangeDesc);
        ValueStateDescriptor<double[]> levelDesc =
                new ValueStateDescriptor<>(
                        "moving-level", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
        levelDesc.enableTimeToLive(ttl);
        movingLevel = getRuntimeContext().getState(levelDesc);
        meta = getRuntimeContext().getState(metaDesc);
        lastScoredBucket = getRuntimeContext().getState(lastScoredDesc);
        lastEventBucket = getRuntimeContext().getState(lastEventDesc);
        // No TTL: this is what removes a series in event time and frees its place under the cap.
        expiryAt = getRuntimeContext().getState(new ValueStateDescriptor<>("expiry", Types.LONG));
        copier = new ForestSerializer();
        bucketsScored = getRuntimeContext().getMetricGroup().counter("bucketsScored");
        interimRecords = getRuntimeContext().getMetricGroup().counter("interimRecords");
        forestErrors = getRuntimeContext().getMetricGroup().counter("forestErrors");
        seasonalRebuilds = getRuntimeContext().getMetricGroup().counter("seasonalRebuilds");
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
        var metrics = getRuntimeContext().getMetricGroup();
        seriesExpired = metrics.counter("seriesExpired");
        metrics.gauge("liveSeries", (Gauge<Integer>) () -> liveSeries);
        metrics.gauge("forestStateBytes", (Gauge<Long>) () -> forestBytes);
        scoringMicros =
                metrics.histogram("scoringMicros", new DescriptiveStatisticsHistogram(1024));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        liveByKeyGroup = new int[maxParallelism];
        // Union state: every subtask sees all key groups' counts and keeps those it now owns.
        liveCountsState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("live-series-per-key-group", Types.LONG));
        var owned =
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                        maxParallelism,
                        getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        liveSeries = 0;
        if (context.isRestored()) {
            for (Long packed : liveCountsState.get()) {
                int group = (int) (packed >>> 32);
                int count = (int) (packed & 0xffffffffL);
                if (owned.contains(group) && group < maxParallelism) {
                    liveByKeyGroup[group] += count;
                    liveSeries += count;
                }
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Long> packed = new ArrayList<>();
        for (int group = 0; group < liveByKeyGroup.length; group++) {
            if (liveByKeyGroup[group] > 0) {
                packed.add(((long) group << 32) | liveByKeyGroup[group]);
            }
        }
        liveCountsState.update(packed);
    }

    private int keyGroup(String key) {
        return KeyGroupRangeAssignment.assignToKeyGroup(key, liveByKeyGroup.length);
    }

    /** The number of live series this subtask holds (for tests). */
    int liveSeries() {
        return liveSeries;
    }

    @Override
    public void processElement(SeriesPoint point, Context ctx, Collector<RecordResult> out)
            throws Exception {
        long bucket = Buckets.start(point.timestamp(), spanMillis);
        long closeTime = bucket + spanMillis - 1 + latenessMillis;
        Long scored = lastScoredBucket.value();
        long watermark = ctx.timerService().currentWatermark();
        if (closeTime <= watermark || (scored != null && bucket <= scored)) {
            // The lateness filter upstream normally catches these with the original payload; this
            // is the safety net (e.g. after a rescale), so the event is still reported.
            DeadLetter letter =
                    DeadLetter.of(
                            DeadLetterReason.LATE,
                            "bucket of series already scored when the event arrived",
                            "series " + point.seriesKey().replace('\u001f', '/'),
                            describe(point).getBytes(StandardCharsets.UTF_8),
                            point.timestamp());
            deadLetters.count(letter.reason());
            ctx.output(EventParser.DEAD_LETTERS, letter);
            return;
        }
        Long expiry = expiryAt.value();
        if (expiry == null) {
            if (liveSeries >= maxSeries) {
                DeadLetter letter =
                        DeadLetter.of(
                                DeadLetterReason.SERIES_LIMIT,
                                "this subtask already holds "
                                        + liveSeries
                                        + " live series (limits.max_series_per_subtask); a new"
                                        + " series is admitted when one has been idle for"
                                        + " limits.state_ttl",
                                "series " + point.seriesKey().replace('\u001f', '/'),
                                describe(point).getBytes(StandardCharsets.UTF_8),
                                point.timestamp());
                deadLetters.count(letter.reason());
                ctx.output(EventParser.DEAD_LETTERS, letter);
                return;
            }
            liveSeries++;
            liveByKeyGroup[keyGroup(ctx.getCurrentKey())]++;
        }
        if (meta.value() == null) {
            meta.update(
                    new SeriesMeta(point.detectorIndex(), point.partitionValue(), point.byValue()));
        }
        Aggregation aggregation = detectors.get(point.detectorIndex()).function().aggregation();
        BucketAccumulator acc = openBuckets.get(bucket);
        boolean firstOfBucket = acc == null;
        if (acc == null) {
            acc = new BucketAccumulator();
        }
        acc.add(
                aggregation,
                point.values(),
                point.distinctValue(),
                point.influencerValues(),
                point.timestamp());
        openBuckets.put(bucket, acc);
        Long lastEvent = lastEventBucket.value();
        if (lastEvent == null || bucket > lastEvent) {
            lastEventBucket.update(bucket);
        }
        long newExpiry = closeTime + ttlMillis;
        if (expiry == null || newExpiry > expiry) {
            if (expiry != null) {
                ctx.timerService().deleteEventTimeTimer(expiry);
            }
            ctx.timerService().registerEventTimeTimer(newExpiry);
            expiryAt.update(newExpiry);
        }
        ctx.timerService().registerEventTimeTimer(closeTime);
        if (firstOfBucket && interimMillis > 0) {
            for (long t = bucket + interimMillis; t < bucket + spanMillis; t += interimMillis) {
                if (t - 1 > watermark) {
                    ctx.timerService().registerEventTimeTimer(t - 1);
                }
            }
        }
    }

    private boolean isInterimTime(long timestamp) {
        if (interimMillis <= 0) {
            return false;
        }
        long offset = timestamp + 1 - Buckets.start(timestamp, spanMillis);
        return offset < spanMillis && offset % interimMillis == 0;
    }

    private boolean isCloseTime(long timestamp) {
        return Math.floorMod(timestamp + 1 - latenessMillis, spanMillis) == 0;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RecordResult> out)
            throws Exception {
        Long expiry = expiryAt.value();
        if (expiry != null && expiry == timestamp) {
            // No bucket of a series closes at its expiry: the zero-count chain stops a bucket
            // earlier, and every event moves the expiry past its own bucket's close.
            expire(ctx.getCurrentKey());
            return;
        }
        SeriesMeta series = meta.value();
        if (series == null) {
            return; // state expired
        }
        boolean interim = isInterimTime(timestamp);
        if (isCloseTime(timestamp)) {
            close(timestamp, ctx, out);
        }
        if (interim) {
            // may coincide with the previous bucket's close time (lateness a multiple of it):
            // the previous bucket is closed first, so the interim forest has seen it
            emitInterim(ctx.getCurrentKey(), meta.value(), timestamp, out);
        }
    }

    /** Removes an idle series with its forest and frees its place under the cap. */
    private void expire(String key) {
        openBuckets.clear();
        forest.clear();
        seasons.clear();
        seenRange.clear();
        movingLevel.clear();
        meta.clear();
        lastScoredBucket.clear();
        lastEventBucket.clear();
        expiryAt.clear();
        liveSeries--;
        liveByKeyGroup[keyGroup(key)]--;
        seriesExpired.inc();
    }

    private void close(long timestamp, OnTimerContext ctx, Collector<RecordResult> out)
            throws Exception {
        SeriesMeta series = meta.value();
        long bucket = Buckets.startOfClose(timestamp, spanMillis, latenessMillis);
        Long scored = lastScoredBucket.value();
        if (scored != null && bucket <= scored) {
            return;
        }
        DetectorSpec detector = detectors.get(series.detectorIndex());
        Aggregation aggregation = detector.function().aggregation();
        BucketAccumulator acc = openBuckets.get(bucket);
        if (acc == null && aggregation != Aggregation.COUNT) {
            return;
        }
        SeasonalBaseline season = seasonsOrNew(detector);
        ThresholdedRandomCutForest model = forestOrNew(ctx.getCurrentKey(), detector, season);
        // the series' small per-field statistics: {seen range (null when off), level and spread}
        double[][] stats = {rangeRule ? seenRange.value() : null, movingLevel.value()};
        if (detector.perEvent()) {
            model =
                    scoreEvents(
                            ctx.getCurrentKey(), series, detector, acc, model, season, stats, out);
        } else {
            BucketAccumulator a = acc == null ? new BucketAccumulator() : acc;
            double[] value = a.value(aggregation, detector.dimensions());
            Scored s =
                    score(ctx.getCurrentKey(), model, season, stats, detector, bucket, value, true);
            model = s.model();
            out.collect(
                    record(
                            ctx.getCurrentKey(),
                            series,
                            detector,
                            bucket,
                            value,
                            a.count,
                            influencers(a),
                            s,
                            false,
                            0));
        }
        forest.update(model);
        if (season != null) {
            seasons.update(season);
        }
        if (stats[0] != null) {
            seenRange.update(stats[0]);
        }
        if (stats[1] != null) {
            movingLevel.update(stats[1]);
        }
        sampleForestBytes(model);
        openBuckets.remove(bucket);
        lastScoredBucket.update(bucket);
        bucketsScored.inc();

        if (aggregation == Aggregation.COUNT) {
            long watermark = ctx.timerService().currentWatermark();
            Long lastEvent = lastEventBucket.value();
            boolean endOfInput = watermark == Long.MAX_VALUE;
            boolean recentlyActive =
                    lastEvent != null && bucket + spanMillis - lastEvent < ttlMillis;
            if (!endOfInput && recentlyActive) {
                ctx.timerService().registerEventTimeTimer(timestamp + spanMillis);
            }
        }
    }

    /**
     * Measures the state size of one forest now and then (serializing costs about a millisecond):
     * the {@code forestStateBytes} gauge, for sizing state and checkpoints.
     */
    private void sampleForestBytes(ThresholdedRandomCutForest model) throws Exception {
        if (closesSinceSample++ % 1024 != 0 || model == null) {
            return;
        }
        DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
        copier.serialize(model, out);
        forestBytes = out.length();
    }

    /** Scores each event of a per-event detector's bucket; returns the forest to keep. */
    private ThresholdedRandomCutForest scoreEvents(
            String key,
            SeriesMeta series,
            DetectorSpec detector,
            BucketAccumulator acc,
            ThresholdedRandomCutForest model,
            SeasonalBaseline season,
            double[][] stats,
            Collector<RecordResult> out) {
        int dims = detector.dimensions();
        int n = acc.eventTimes.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // stable: events with equal times keep their arrival order
        Arrays.sort(order, Comparator.comparingLong(i -> acc.eventTimes[i]));
        long previous = Long.MIN_VALUE;
        int seq = 0;
        List<String[]> influencers = influencers(acc);
        for (int i : order) {
            long ts = acc.eventTimes[i];
            seq = ts == previous ? seq + 1 : 0;
            previous = ts;
            double[] value = Arrays.copyOfRange(acc.eventValues, i * dims, (i + 1) * dims);
            Scored s = score(key, model, season, stats, detector, ts, value, true);
            model = s.model();
            out.collect(record(key, series, detector, ts, value, 1, influencers, s, false, seq));
        }
        return model;
    }

    private void emitInterim(
            String key, SeriesMeta series, long timestamp, Collector<RecordResult> out)
            throws Exception {
        long bucket = Buckets.start(timestamp, spanMillis);
        BucketAccumulator acc = openBuckets.get(bucket);
        DetectorSpec detector = detectors.get(series.detectorIndex());
        if (acc == null || detector.perEvent()) {
            return;
        }
        ThresholdedRandomCutForest live = forest.value();
        if (live == null) {
            return; // nothing to compare with yet
        }
        // Score the partial bucket on a copy: the real forest must see each bucket once, final.
        ThresholdedRandomCutForest scratch = copier.copy(live);
        double[] value = acc.value(detector.function().aggregation(), detector.dimensions());
        double[][] stats = {rangeRule ? seenRange.value() : null, movingLevel.value()};
        Scored s = score(key, scratch, seasons.value(), stats, detector, bucket, value, false);
        interimRecords.inc();
        out.collect(
                record(
                        key,
                        series,
                        detector,
                        bucket,
                        value,
                        acc.count,
                        influencers(acc),
                        s,
                        true,
                        0));
    }

    private ThresholdedRandomCutForest forestOrNew(
            String key, DetectorSpec detector, SeasonalBaseline season) throws Exception {
        ThresholdedRandomCutForest model = forest.value();
        return model != null ? model : newForest(key, detector, season);
    }

    private ThresholdedRandomCutForest newForest(
            String key, DetectorSpec detector, SeasonalBaseline season) {
        boolean seasonal = season != null && season.referencePeriod() > 0;
        return ForestFactory.create(forestParams(this.model, detector, seasonal), key);
    }

    /** The series' seasonal memory, or a new one; null when the spec has no candidate period. */
    private SeasonalBaseline seasonsOrNew(DetectorSpec detector) throws Exception {
        if (seasonalPeriods.length == 0) {
            return null;
        }
        SeasonalBaseline season = seasons.value();
        if (season == null) {
            season =
                    new SeasonalBaseline(
                            seasonalPeriods,
                            detector.dimensions(),
                            detector.perEvent() ? 0 : spanMillis);
        }
        return season;
    }

    /**
     * A new forest trained on the series' remembered recent points with the seasonal reference just
     * accepted; all but the newest point, which the caller scores.
     */
    private ThresholdedRandomCutForest rebuild(
            String key, DetectorSpec detector, SeasonalBaseline season) {
        ThresholdedRandomCutForest fresh = newForest(key, detector, season);
        List<SeasonalBaseline.Point> points = season.replay();
        for (int i = 0; i < points.size() - 1; i++) {
            SeasonalBaseline.Point p = points.get(i);
            fresh.process(p.deviation(), p.timestamp());
        }
        seasonalRebuilds.inc();
        return fresh;
    }

    /**
     * The forest's input for a value and its seasonal reference: the deviation from the reference,
     * or the value itself while the series has no accepted period (null reference). On NAB the
     * deviation alone scored within half a point of value and deviation side by side, with half the
     * forest dimensions (README, "Detection quality").
     */
    static double[] seasonalInput(double[] value, double[] reference) {
        if (reference == null) {
            return value;
        }
        double[] input = new double[value.length];
        for (int i = 0; i < value.length; i++) {
            input[i] = value[i] - reference[i];
        }
        return input;
    }

    /** A forest-space vector (expected or forecast input) back in the value's own units. */
    static double[] valueSpace(double[] forestSpace, double[] reference, int d) {
        if (forestSpace == null || reference == null) {
            return forestSpace;
        }
        double[] out = new double[d];
        for (int i = 0; i < d && i < forestSpace.length; i++) {
            out[i] = reference[i] + forestSpace[i];
        }
        return out;
    }

    /** What the forest said about one point. */
    private record Scored(
            double rawScore,
            double grade,
            double threshold,
            double confidence,
            double[] typical,
            double[] modelLower,
            double[] modelUpper,
            double[] attribution,
            String[] seasonality,
            double rangeExcess,
            long anomalyTimestamp,
            boolean ready,
            long nanos,
            ThresholdedRandomCutForest model) {}

    private Scored score(
            String key,
            ThresholdedRandomCutForest model,
            SeasonalBaseline season,
            double[][] stats,
            DetectorSpec detector,
            long timestamp,
            double[] value,
            boolean learn) {
        boolean countErrors = learn;
        long started = System.nanoTime();
        double rawScore = 0;
        double grade = 0;
        double threshold = 0;
        double confidence = 0;
        double[] typical = null;
        double[] attribution = null;
        long anomalyTimestamp = timestamp;
        boolean ready = false;
        double[] reference = null;
        try {
            if (season != null) {
                if (learn) {
                    SeasonalBaseline.Observation o = season.observe(timestamp, value);
                    reference = o.reference();
                    if (o.periodsChanged()) {
                        model = rebuild(key, detector, season);
                        // this point's own deviation as remembered, before the profile learned it
                        List<SeasonalBaseline.Point> replay = season.replay();
                        double[] deviation = replay.get(replay.size() - 1).deviation();
                        reference = new double[value.length];
                        for (int i = 0; i < value.length; i++) {
                            reference[i] = value[i] - deviation[i];
                        }
                    }
                } else {
                    reference = season.reference(timestamp);
                }
            }
            double[] input = seasonalInput(value, reference);
            boolean outputReady = model.getForest().isOutputReady();
            if (forecastTypical && outputReady) {
                typical = valueSpace(forecast(model), reference, value.length);
            } else if (baselineTypical) {
                // the seasonal reference when there is one, else the moving level: no forecast
                typical =
                        reference != null
                                ? reference.clone()
                                : MovingLevel.typical(stats[1], value.length);
            }
            AnomalyDescriptor d = model.process(input, timestamp);
            rawScore = d.getRCFScore();
            grade = d.getAnomalyGrade();
            threshold = d.getThreshold();
            confidence = d.getDataConfidence();
            ready = outputReady && rawScore > 0;
            int relative = d.getRelativeIndex();
            double[][] expected = d.isExpectedValuesPresent() ? d.getExpectedValuesList() : null;
            double[] observed = relative == 0 ? input : d.getPastValues();
            if (grade > 0 && expected != null && expected.length > 0 && expected[0] != null) {
                grade = oneSided(detector.function().side(), observed, expected[0], grade);
                if (relative == 0) {
                    typical = valueSpace(expected[0].clone(), reference, value.length);
                }
            }
            if (grade > 0 && relative < 0) {
                anomalyTimestamp = timestamp + relative * spanMillis;
            }
            if (value.length > 1) {
                attribution = attribution(d, value.length, input.length);
            }
        } catch (RuntimeException e) {
            // A forest that threw may be half-updated: start the series afresh rather than keep
            // scoring with a corrupt model. The input was validated, so this is a library fault.
            if (countErrors) {
                forestErrors.inc();
            }
            LOG.warn("forest of series {} failed and is rebuilt", key.replace('\u001f', '/'), e);
            model = newForest(key, detector, season);
            grade = 0;
            ready = false;
        }
        double rangeExcess = 0;
        if (rangeRule) {
            // judged against the range before this point, and only once the forest is ready: a
            // young series breaks its own range all the time
            if (ready) {
                rangeExcess = SeenRange.excess(stats[0], value, detector.function().side());
            }
            if (learn) {
                stats[0] = SeenRange.observe(stats[0], value);
            }
        }
        // the band around typical comes from the spread before this value, like typical itself
        double[][] bounds = MovingLevel.bounds(stats[1], typical);
        if (learn) {
            stats[1] = MovingLevel.observe(stats[1], value, reference);
        }
        long nanos = System.nanoTime() - started;
        if (scoringMicros != null) {
            scoringMicros.update(nanos / 1000);
        }
        return new Scored(
                rawScore,
                grade,
                threshold,
                confidence,
                typical,
                bounds == null ? null : bounds[0],
                bounds == null ? null : bounds[1],
                attribution,
                seasonality(season),
                rangeExcess,
                anomalyTimestamp,
                ready,
                nanos,
                model);
    }

    /** The accepted periods of a series as short durations, or null for none. */
    static String[] seasonality(SeasonalBaseline season) {
        if (season == null) {
            return null;
        }
        long[] periods = season.activePeriods();
        if (periods.length == 0) {
            return null;
        }
        String[] out = new String[periods.length];
        for (int i = 0; i < periods.length; i++) {
            out[i] = SeasonalitySpec.format(java.time.Duration.ofMillis(periods[i]));
        }
        return out;
    }

    /** The forest's one-step forecast for the point about to be processed. */
    private static double[] forecast(ThresholdedRandomCutForest model) {
        try {
            TimedRangeVector f = model.extrapolate(1);
            float[] v = f.rangeVector.values;
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i];
            }
            return out;
        } catch (RuntimeException e) {
            return null; // no forecast yet (e.g. too little history); typical stays unknown
        }
    }

    /** Each input field's share of the score, from the descriptor's attribution. */
    static double[] attribution(AnomalyDescriptor d, int dims) {
        return attribution(d, dims, dims);
    }

    /**
     * Each field's share, where the forest's input has {@code inputDims} entries per point: the
     * fields themselves and, for a seasonal series, their deviations in the same order.
     */
    static double[] attribution(AnomalyDescriptor d, int dims, int inputDims) {
        double[] perField = new double[dims];
        double[] relevant = d.getRelevantAttribution();
        if (relevant != null && relevant.length == inputDims) {
            for (int i = 0; i < inputDims; i++) {
                perField[i % dims] += relevant[i];
            }
        } else {
            DiVector v = d.getAttribution();
            if (v == null) {
                return null;
            }
            // the DiVector covers the whole shingle: add up each field over the shingle positions
            for (int i = 0; i < v.getDimensions(); i++) {
                perField[(i % inputDims) % dims] += v.high[i] + v.low[i];
            }
        }
        double total = 0;
        for (double p : perField) {
            total += Math.abs(p);
        }
        if (!(total > 0)) {
            return null;
        }
        for (int i = 0; i < dims; i++) {
            perField[i] = Math.abs(perField[i]) / total;
        }
        return perField;
    }

    private List<String[]> influencers(BucketAccumulator acc) {
        List<String[]> pairs = new ArrayList<>();
        if (acc.influencerValues == null) {
            return pairs;
        }
        for (int i = 0; i < influencerFields.size() && i < acc.influencerValues.length; i++) {
            for (String v : BucketAccumulator.split(acc.influencerValues[i])) {
                pairs.add(new String[] {influencerFields.get(i), v});
            }
        }
        return pairs;
    }

    private RecordResult record(
            String key,
            SeriesMeta series,
            DetectorSpec detector,
            long timestamp,
            double[] value,
            long events,
            List<String[]> influencers,
            Scored s,
            boolean interim,
            int seq) {
        String[] fields = detector.fields().toArray(new String[0]);
        String byValue = detector.byFieldName() == null ? null : series.byValue();
        String partitionValue =
                detector.partitionFieldName() == null ? null : series.partitionValue();
        String[] infFields = new String[influencers.size()];
        String[] infValues = new String[influencers.size()];
        for (int i = 0; i < influencers.size(); i++) {
            infFields[i] = influencers.get(i)[0];
            infValues[i] = influencers.get(i)[1];
        }
        long spanSeconds = spanMillis / 1000;
        return new RecordResult(
                ResultIds.record(jobId, timestamp, spanSeconds, detector.index(), key, seq),
                jobId,
                timestamp,
                spanSeconds,
                detector.index(),
                detector.function().specName(),
                fields,
                detector.byFieldName(),
                byValue,
                detector.partitionFieldName(),
                partitionValue,
                value,
                s.typical(),
                s.modelLower(),
                s.modelUpper(),
                s.attribution(),
                s.seasonality(),
                s.rangeExcess(),
                Reasons.withRange(
                        Reasons.of(
                                detector,
                                value,
                                s.typical(),
                                s.attribution(),
                                byValue,
                                partitionValue),
                        s.rangeExcess(),
                        rangeMargin),
                infFields,
                infValues,
                s.rawScore(),
                s.grade(),
                s.threshold(),
                s.confidence(),
                events,
                s.anomalyTimestamp(),
                s.ready(),
                s.nanos(),
                interim,
                Double.NaN,
                Double.NaN,
                Double.NaN);
    }

    /** Zeroes the grade of a deviation in the direction a one-sided detector ignores. */
    static double oneSided(Side side, double[] actual, double[] expected, double grade) {
        if (side == Side.BOTH || actual == null || actual.length == 0) {
            return grade;
        }
        // multivariate: the direction of the largest relative deviation decides
        int worst = 0;
        double worstDev = -1;
        for (int i = 0; i < Math.min(actual.length, expected.length); i++) {
            double dev = Math.abs(actual[i] - expected[i]) / Math.max(1e-9, Math.abs(expected[i]));
            if (dev > worstDev) {
                worstDev = dev;
                worst = i;
            }
        }
        boolean above = actual[worst] > expected[worst];
        if (side == Side.HIGH && !above) {
            return 0;
        }
        if (side == Side.LOW && above) {
            return 0;
        }
        return grade;
    }

    /** The point as JSON for a dead letter's payload; Jackson escapes any series key. */
    static String describe(SeriesPoint p) {
        ObjectNode n = DESCRIBE_JSON.createObjectNode();
        n.put("series", p.seriesKey().replace('\u001f', '/'));
        n.put("timestamp", p.timestamp());
        ArrayNode values = n.putArray("values");
        for (double v : p.values()) {
            values.add(v);
        }
        return n.toString();
    }
}
