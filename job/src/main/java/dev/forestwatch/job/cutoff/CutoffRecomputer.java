package dev.forestwatch.job.cutoff;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.config.CutoffSpec;
import dev.forestwatch.job.model.ScoreSample;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by data kind: keeps a {@link CutoffHistory} of raw scores and, at every interval boundary
 * in event time, publishes the cutoff over the last {@code history} of scores as a {@link
 * CutoffItem} for the {@code anomaly_cut_off} table. This is the seed's weekly batch job ({@code
 * mean + 3σ} over past scores) made continuous.
 *
 * <p>Recomputation runs on event-time timers at {@code (floor(ts / interval) + 1) * interval - 1}
 * and stamps the item with the interval end, so a replay of the same input gives the same items
 * with the same {@code update_time} keys. At most one timer is pending per data kind; each firing
 * schedules the next boundary while the history holds scores, and the chain stops once the history
 * is empty (its state is then cleared). At the end of a bounded input (watermark {@code
 * Long.MAX_VALUE}) it stops after the last interval that has scores, instead of publishing cutoffs
 * over a shrinking window for another {@code history}. A cutoff covers the slots that start before
 * the boundary, so scores of later intervals that arrived early do not leak into it. Nothing is
 * published while fewer than {@code minSamples} scores are in the window, or when the cutoff is not
 * a finite number.
 *
 * <p>Metrics: counter {@code cutoffsPublished}, gauge {@code lastCutoff} (the latest cutoff this
 * subtask published, of any data kind; NaN before the first).
 */
public class CutoffRecomputer extends KeyedProcessFunction<String, ScoreSample, CutoffItem> {

    private static final long serialVersionUID = 1L;

    private final CutoffSpec.Method method;
    private final double k;
    private final double quantile;
    private final long historyMillis;
    private final long intervalMillis;
    private final long minSamples;

    private transient ValueState<CutoffHistory> history;
    private transient ValueState<Long> nextTimer;
    private transient Counter cutoffsPublished;
    private transient volatile double lastCutoff;

    /** Recomputes cutoffs as {@code spec} says; {@code per} and {@code dataKind} act upstream. */
    public CutoffRecomputer(CutoffSpec spec) {
        this.method = spec.method();
        this.k = spec.k();
        this.quantile = spec.quantile();
        this.historyMillis = spec.history().toMillis();
        this.intervalMillis = spec.interval().toMillis();
        this.minSamples = spec.minSamples();
        // Fails fast, at job build time, on settings no history can hold.
        new CutoffHistory(historyMillis, intervalMillis);
    }

    @Override
    public void open(OpenContext openContext) {
        history =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "cutoff-history", new CutoffHistorySerializer()));
        nextTimer =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("cutoff-next-timer", Types.LONG));
        cutoffsPublished = getRuntimeContext().getMetricGroup().counter("cutoffsPublished");
        lastCutoff = Double.NaN;
        getRuntimeContext().getMetricGroup().gauge("lastCutoff", (Gauge<Double>) () -> lastCutoff);
    }

    @Override
    public void processElement(ScoreSample sample, Context ctx, Collector<CutoffItem> out)
            throws Exception {
        CutoffHistory h = currentHistory();
        if (!h.add(sample.timestamp(), sample.rawScore())) {
            return; // not finite, or older than the history keeps
        }
        history.update(h);

        long watermark = ctx.timerService().currentWatermark();
        if (watermark == Long.MAX_VALUE) {
            return; // end of input: no timer would fire any more
        }
        long target = intervalEnd(sample.timestamp());
        if (target <= watermark) {
            // A late score: its interval was already published, so it counts from the next
            // boundary on. A timer at or before the watermark would publish an out-of-order item.
            target = intervalEnd(watermark + 1);
        }
        Long pending = nextTimer.value();
        if (pending == null || target < pending) {
            if (pending != null) {
                ctx.timerService().deleteEventTimeTimer(pending);
            }
            // The chain from the earliest boundary reaches every later one while scores remain.
            ctx.timerService().registerEventTimeTimer(target);
            nextTimer.update(target);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CutoffItem> out)
            throws Exception {
        nextTimer.clear();
        CutoffHistory h = history.value();
        if (h == null) {
            return;
        }
        h = h.withSettings(historyMillis, intervalMillis);
        long boundary = timestamp + 1;
        h.expireBefore(boundary - historyMillis);

        CutoffItem item = compute(ctx.getCurrentKey(), h, boundary);
        if (item != null) {
            out.collect(item);
            cutoffsPublished.inc();
            lastCutoff = item.scoreCutoff();
        }

        if (h.count() == 0) {
            history.clear(); // nothing left to recompute from; a new score starts over
            return;
        }
        history.update(h);
        long watermark = ctx.timerService().currentWatermark();
        // At the end of a bounded input the chain only runs on to the last interval that has
        // scores (timers registered now still fire in this same watermark), so every interval
        // with data is published however far the watermark lagged before the end, and no
        // trailing cutoffs over an ever shorter window follow.
        boolean more = watermark != Long.MAX_VALUE || h.hasScoresAfter(boundary);
        if (more && timestamp <= Long.MAX_VALUE - intervalMillis) {
            long next = timestamp + intervalMillis;
            ctx.timerService().registerEventTimeTimer(next);
            nextTimer.update(next);
        }
    }

    /** The cutoff over the slots before {@code boundary}, or null if none may be published. */
    private CutoffItem compute(String dataKind, CutoffHistory h, long boundary) {
        CutoffHistory.Stats stats = h.statsBefore(boundary);
        if (stats.count() < minSamples || stats.count() == 0) {
            return null;
        }
        double cutoff;
        double parameter;
        if (method == CutoffSpec.Method.QUANTILE) {
            cutoff = h.quantileBefore(boundary, quantile);
            parameter = quantile;
        } else {
            cutoff = stats.mean() + k * stats.stddev();
            parameter = k;
        }
        if (!Double.isFinite(cutoff)) {
            return null; // e.g. a single score has no sample stddev; never store NaN
        }
        return new CutoffItem(
                dataKind,
                CutoffItem.updateTimeOf(boundary),
                cutoff,
                method.specName(),
                parameter,
                stats.mean(),
                stats.stddev(),
                stats.count(),
                boundary);
    }

    private CutoffHistory currentHistory() throws Exception {
        CutoffHistory h = history.value();
        // Restored state may carry the settings of an older spec.
        return h == null
                ? new CutoffHistory(historyMillis, intervalMillis)
                : h.withSettings(historyMillis, intervalMillis);
    }

    private long intervalEnd(long timestamp) {
        long index = Math.floorDiv(timestamp, intervalMillis);
        if (index >= Long.MAX_VALUE / intervalMillis) {
            return Long.MAX_VALUE;
        }
        return (index + 1) * intervalMillis - 1;
    }
}
