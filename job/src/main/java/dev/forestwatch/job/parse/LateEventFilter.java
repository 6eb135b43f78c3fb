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
 *
 * <p>Where watermarks are generated right before this operator from the events themselves (files,
 * the generator, DynamoDB Streams), the watermark it would have after every event is known: the
 * highest event time seen minus the out-of-orderness. Judging by that instead of the periodically
 * emitted watermark makes the verdict on an old event the same in every run, however the periodic
 * emission fell. Sources with watermarks per partition (Kafka) keep the emitted one: there a
 * lagging partition's events are on time.
 */
public class LateEventFilter extends ProcessFunction<ParsedEvent, ParsedEvent> {
    private final long bucketSpanMillis;
    private final long allowedLatenessMillis;
    private final long outOfOrdernessMillis;
    private final boolean judgeByEvents;
    private transient DeadLetterCounters deadLetters;
    private transient long maxSeen;

    /** Judges by the emitted watermark only. */
    public LateEventFilter(long bucketSpanMillis, long allowedLatenessMillis) {
        this(bucketSpanMillis, allowedLatenessMillis, 0, false);
    }

    /**
     * @param outOfOrdernessMillis the watermark's bound of disorder
     * @param judgeByEvents also judge by the watermark the events seen so far imply (see above)
     */
    public LateEventFilter(
            long bucketSpanMillis,
            long allowedLatenessMillis,
            long outOfOrdernessMillis,
            boolean judgeByEvents) {
        this.bucketSpanMillis = bucketSpanMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.judgeByEvents = judgeByEvents;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
        maxSeen = Long.MIN_VALUE;
    }

    @Override
    public void processElement(ParsedEvent event, Context ctx, Collector<ParsedEvent> out) {
        long closeTime =
                Buckets.closeTime(event.timestamp(), bucketSpanMillis, allowedLatenessMillis);
        long watermark = ctx.timerService().currentWatermark();
        if (judgeByEvents && maxSeen != Long.MIN_VALUE) {
            watermark = Math.max(watermark, maxSeen - outOfOrdernessMillis - 1);
        }
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
            maxSeen = Math.max(maxSeen, event.timestamp());
            out.collect(event);
        }
    }
}
