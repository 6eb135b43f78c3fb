package dev.forestwatch.job.parse;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.job.model.ParsedEvent;

/**
 * Outcome of decoding one raw event: exactly one of {@code event} and {@code deadLetter} is set.
 *
 * @param event the parsed event, or null
 * @param deadLetter why the event was rejected, or null
 */
public record DecodeResult(ParsedEvent event, DeadLetter deadLetter) {

    static DecodeResult ok(ParsedEvent e) {
        return new DecodeResult(e, null);
    }

    static DecodeResult rejected(DeadLetter d) {
        return new DecodeResult(null, d);
    }

    public boolean isOk() {
        return event != null;
    }
}
