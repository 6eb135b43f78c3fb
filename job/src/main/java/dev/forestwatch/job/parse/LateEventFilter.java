package dev.forestwatch.job.parse;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.deadletter.DeadLetterReason;
import dev.forestwatch.job.model.ParsedEvent;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sends events whose bucket has already closed (watermark past bucket end plus allowed lateness) to
 * the dead-letter output with reason {@code late}, while the original payload is still at hand. The
 * keyed bucket operator downstream never sees a watermark ahead of this operator's, so what passes
 * here is never late there.
 */
public class LateEventFilter extends ProcessFunction<ParsedEvent, ParsedEvent> {
    private final long bucketSpanMillis;
    private final long allowedLatenessMillis;
    private transient DeadLetterCounters deadLetters;

    public LateEventFilter(long bucketSpanMillis, long allowedLatenessMillis) {
        this.bucketSpanMillis = bucketSpanMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ParsedEvent event, Context ctx, Collector<ParsedEvent> out) {
        long closeTime =
                Buckets.closeTime(event.timestamp(), bucketSpanMillis, allowedLatenessMillis);
        long watermark = ctx.timerService().currentWatermark();
        if (closeTime <= watermark) {
            DeadLetter letter =
                    DeadLetter.of(
                            DeadLetterReason.LATE,
                            "event time "
                                    + Instant.ofEpochMilli(event.timestamp())
                                    + " is in a bucket that closed at "
                                    + Instant.ofEpochMilli(closeTime)
                                    + " (watermark "
                                    + Instant.ofEpochMilli(watermark)
                                    + ", allowed lateness "
                                    + allowedLatenessMillis
                                    + " ms)",
                            event.origin(),
                            event.payload(),
                            event.timestamp());
            deadLetters.count(letter.reason());
            ctx.output(EventParser.DEAD_LETTERS, letter);
        } else {
            out.collect(event);
        }
    }
}
