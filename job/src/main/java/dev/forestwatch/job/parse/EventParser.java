package dev.forestwatch.job.parse;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.job.model.ParsedEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates raw events; good ones continue as {@link ParsedEvent}, bad ones go to the
 * {@link #DEAD_LETTERS} side output with their reason, counted per reason.
 */
public class EventParser extends ProcessFunction<RawEvent, ParsedEvent> {
    /** Side output for rejected events. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", DeadLetterTypes.DEAD_LETTER) {};

    private final EventDecoder decoder;
    private transient DeadLetterCounters deadLetters;
    private transient Counter eventsIn;
    private transient Counter eventsParsed;

    public EventParser(EventDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void open(OpenContext openContext) {
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
        eventsParsed = getRuntimeContext().getMetricGroup().counter("eventsParsed");
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawEvent raw, Context ctx, Collector<ParsedEvent> out) {
        eventsIn.inc();
        DecodeResult result = decoder.decode(raw);
        if (result.isOk()) {
            eventsParsed.inc();
            out.collect(result.event());
        } else {
            deadLetters.count(result.deadLetter().reason());
            ctx.output(DEAD_LETTERS, result.deadLetter());
        }
    }
}
