package dev.forestwatch.job.result;

import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.parse.Buckets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by job: collects the records of each bucket from every series and, once the watermark shows
 * every series has closed that bucket, emits one {@link BucketResult}.
 *
 * <p>Records leave the scorers with the bucket's close time as their stream timestamp; a timer at
 * that time fires only after the watermark passed it on every input channel, i.e. after every
 * scorer subtask has fired its own timer for the bucket.
 */
public class BucketResultAggregator
        extends KeyedProcessFunction<String, RecordResult, BucketResult> {
    private final long spanMillis;
    private final long latenessMillis;
    private final int eventCountDetector;

    private transient MapState<Long, BucketSummary> summaries;

    /**
     * @param spanMillis bucket span
     * @param latenessMillis allowed lateness
     * @param eventCountDetector the detector whose event counts add up to the bucket's events
     *     (every valid event reaches every detector, so any one will do)
     */
    public BucketResultAggregator(long spanMillis, long latenessMillis, int eventCountDetector) {
        this.spanMillis = spanMillis;
        this.latenessMillis = latenessMillis;
        this.eventCountDetector = eventCountDetector;
    }

    @Override
    public void open(OpenContext openContext) {
        summaries =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "bucket-summaries",
                                        Types.LONG,
                                        TypeInformation.of(BucketSummary.class)));
    }

    @Override
    public void processElement(RecordResult r, Context ctx, Collector<BucketResult> out)
            throws Exception {
        BucketSummary s = summaries.get(r.timestamp());
        if (s == null) {
            s = new BucketSummary();
        }
        if (r.detectorIndex() == eventCountDetector) {
            s.eventCount += r.eventCount();
        }
        s.recordCount++;
        if (r.grade() > 0) {
            s.anomalousRecordCount++;
        }
        boolean top =
                s.topRecordSeries == null
                        || r.grade() > s.maxGrade
                        || (r.grade() == s.maxGrade && r.rawScore() > s.maxRawScore);
        if (top) {
            s.topRecordSeries = RecordDescriptions.series(r);
        }
        s.maxGrade = Math.max(s.maxGrade, r.grade());
        s.maxRawScore = Math.max(s.maxRawScore, r.rawScore());
        s.processingNanos += r.processingNanos();
        summaries.put(r.timestamp(), s);
        ctx.timerService()
                .registerEventTimeTimer(
                        Buckets.closeTime(r.timestamp(), spanMillis, latenessMillis));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<BucketResult> out)
            throws Exception {
        long bucket = Buckets.startOfClose(timestamp, spanMillis, latenessMillis);
        BucketSummary s = summaries.get(bucket);
        if (s == null) {
            return;
        }
        summaries.remove(bucket);
        out.collect(
                new BucketResult(
                        ctx.getCurrentKey(),
                        bucket,
                        spanMillis / 1000,
                        s.eventCount,
                        s.recordCount,
                        s.anomalousRecordCount,
                        s.maxGrade,
                        s.maxRawScore,
                        s.topRecordSeries,
                        s.processingNanos / 1_000_000,
                        false));
    }
}
