package dev.forestwatch.job.bucket;

import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.deadletter.DeadLetterReason;
import dev.forestwatch.job.config.Aggregation;
import dev.forestwatch.job.config.DetectorSpec;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.ModelSpec;
import dev.forestwatch.job.config.Side;
import dev.forestwatch.job.detect.ForestFactory;
import dev.forestwatch.job.detect.ForestParams;
import dev.forestwatch.job.detect.ForestSerializer;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.SeriesPoint;
import dev.forestwatch.job.parse.Buckets;
import dev.forestwatch.job.parse.DeadLetterCounters;
import dev.forestwatch.job.parse.EventParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per series: aggregates events into event-time buckets, and when the watermark passes a bucket's
 * end plus the allowed lateness, feeds the bucket's value to the series' own forest and emits a
 * {@link RecordResult}.
 *
 * <p>Buckets reach the forest strictly in event-time order because event-time timers fire in order.
 * For {@code count} detectors a closed bucket schedules the next one, so a known series that falls
 * silent yields zero counts (until {@code limits.state_ttl} of event time without events, or the
 * end of a bounded input). All state expires after {@code limits.state_ttl} without writes.
 */
public class BucketScorer extends KeyedProcessFunction<String, SeriesPoint, RecordResult> {
    private static final Logger LOG = LoggerFactory.getLogger(BucketScorer.class);

    private final String jobId;
    private final long spanMillis;
    private final long latenessMillis;
    private final long ttlMillis;
    private final List<DetectorSpec> detectors;
    private final ForestParams forestParams;

    private transient MapState<Long, BucketAccumulator> openBuckets;
    private transient ValueState<ThresholdedRandomCutForest> forest;
    private transient ValueState<SeriesMeta> meta;
    private transient ValueState<Long> lastScoredBucket;
    private transient ValueState<Long> lastEventBucket;
    private transient Counter bucketsScored;
    private transient Counter forestErrors;
    private transient DeadLetterCounters deadLetters;

    public BucketScorer(JobSpec spec) {
        this.jobId = spec.jobId();
        this.spanMillis = spec.analysis().bucketSpan().toMillis();
        this.latenessMillis = spec.event().allowedLateness().toMillis();
        this.ttlMillis = spec.limits().stateTtl().toMillis();
        this.detectors = spec.analysis().detectors();
        this.forestParams = forestParams(spec.model());
    }

    /** The forest settings of a spec's model section (one input dimension per bucket). */
    public static ForestParams forestParams(ModelSpec m) {
        return new ForestParams(
                m.trees(),
                m.sampleSize(),
                m.shingleSize(),
                1,
                m.timeDecay(),
                m.seed(),
                m.warmUp(),
                m.anomalyRate(),
                m.normalize(),
                m.boundingBoxCacheFraction());
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
        meta = getRuntimeContext().getState(metaDesc);
        lastScoredBucket = getRuntimeContext().getState(lastScoredDesc);
        lastEventBucket = getRuntimeContext().getState(lastEventDesc);
        bucketsScored = getRuntimeContext().getMetricGroup().counter("bucketsScored");
        forestErrors = getRuntimeContext().getMetricGroup().counter("forestErrors");
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(SeriesPoint point, Context ctx, Collector<RecordResult> out)
            throws Exception {
        long bucket = Buckets.start(point.timestamp(), spanMillis);
        long closeTime = bucket + spanMillis - 1 + latenessMillis;
        Long scored = lastScoredBucket.value();
        if (closeTime <= ctx.timerService().currentWatermark()
                || (scored != null && bucket <= scored)) {
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
        if (meta.value() == null) {
            meta.update(
                    new SeriesMeta(point.detectorIndex(), point.partitionValue(), point.byValue()));
        }
        Aggregation aggregation = detectors.get(point.detectorIndex()).function().aggregation();
        BucketAccumulator acc = openBuckets.get(bucket);
        if (acc == null) {
            acc = new BucketAccumulator();
        }
        acc.add(aggregation, point.value(), point.distinctValue());
        openBuckets.put(bucket, acc);
        Long lastEvent = lastEventBucket.value();
        if (lastEvent == null || bucket > lastEvent) {
            lastEventBucket.update(bucket);
        }
        ctx.timerService().registerEventTimeTimer(closeTime);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RecordResult> out)
            throws Exception {
        SeriesMeta series = meta.value();
        if (series == null) {
            return; // state expired
        }
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
        double value = acc == null ? 0.0 : acc.value(aggregation);
        long events = acc == null ? 0 : acc.count;
        out.collect(score(ctx.getCurrentKey(), series, detector, bucket, value, events));
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

    private RecordResult score(
            String key,
            SeriesMeta series,
            DetectorSpec detector,
            long bucket,
            double value,
            long events)
            throws Exception {
        long started = System.nanoTime();
        ThresholdedRandomCutForest model = forest.value();
        if (model == null) {
            model = ForestFactory.create(forestParams, key);
        }
        double rawScore = 0;
        double grade = 0;
        double threshold = 0;
        double confidence = 0;
        double[] typical = null;
        long anomalyTimestamp = bucket;
        boolean ready = false;
        try {
            AnomalyDescriptor d = model.process(new double[] {value}, bucket);
            rawScore = d.getRCFScore();
            grade = d.getAnomalyGrade();
            threshold = d.getThreshold();
            confidence = d.getDataConfidence();
            ready = rawScore > 0;
            int relative = d.getRelativeIndex();
            double[][] expected = d.isExpectedValuesPresent() ? d.getExpectedValuesList() : null;
            double[] observed = relative == 0 ? new double[] {value} : d.getPastValues();
            if (grade > 0 && expected != null && expected.length > 0 && expected[0] != null) {
                grade = oneSided(detector.function().side(), observed, expected[0], grade);
                if (relative == 0) {
                    typical = expected[0].clone();
                }
            }
            if (grade > 0 && relative < 0) {
                anomalyTimestamp = bucket + relative * spanMillis;
            }
        } catch (RuntimeException e) {
            // A forest that threw may be half-updated: start the series afresh rather than keep
            // scoring with a corrupt model. The input was validated, so this is a library fault.
            forestErrors.inc();
            LOG.warn("forest of series {} failed and is rebuilt", key.replace('\u001f', '/'), e);
            model = ForestFactory.create(forestParams, key);
            grade = 0;
        }
        forest.update(model);
        long nanos = System.nanoTime() - started;
        return new RecordResult(
                jobId,
                bucket,
                spanMillis / 1000,
                detector.index(),
                detector.function().specName(),
                detector.fieldName(),
                detector.byFieldName(),
                detector.byFieldName() == null ? null : series.byValue(),
                detector.partitionFieldName(),
                detector.partitionFieldName() == null ? null : series.partitionValue(),
                new double[] {value},
                typical,
                rawScore,
                grade,
                threshold,
                confidence,
                events,
                anomalyTimestamp,
                ready,
                nanos);
    }

    /** Zeroes the grade of a deviation in the direction a one-sided detector ignores. */
    static double oneSided(Side side, double[] actual, double[] expected, double grade) {
        if (side == Side.BOTH || actual == null || actual.length == 0) {
            return grade;
        }
        boolean above = actual[0] > expected[0];
        if (side == Side.HIGH && !above) {
            return 0;
        }
        if (side == Side.LOW && above) {
            return 0;
        }
        return grade;
    }

    private static String describe(SeriesPoint p) {
        return "{\"series\":\""
                + p.seriesKey().replace('\u001f', '/').replace("\"", "\\\"")
                + "\",\"timestamp\":"
                + p.timestamp()
                + ",\"value\":"
                + p.value()
                + "}";
    }
}
