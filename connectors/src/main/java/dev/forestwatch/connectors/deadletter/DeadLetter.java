package dev.forestwatch.connectors.deadletter;

import java.io.Serializable;

/**
 * An input event the job could not use, with the original bytes and the reason.
 *
 * <p>Bad input never crashes the job and never vanishes: every stage that rejects an event emits
 * one of these to the dead-letter output, and counts it in a metric named after {@code reason}.
 *
 * @param reason a stable, machine-readable reason code (see {@link DeadLetterReason})
 * @param detail a human explanation naming the offending field or value
 * @param origin where the event came from (file and line, partition and offset, ...)
 * @param payload the original bytes of the event
 * @param eventTimestamp the event time if it could be parsed, else {@code Long.MIN_VALUE}
 */
public record DeadLetter(
        String reason, String detail, String origin, byte[] payload, long eventTimestamp)
        implements Serializable {

    /** A dead letter for an event whose time is unknown. */
    public static DeadLetter of(
            DeadLetterReason reason, String detail, String origin, byte[] payload) {
        return new DeadLetter(reason.code(), detail, origin, payload, Long.MIN_VALUE);
    }

    /** A dead letter for an event whose time is known. */
    public static DeadLetter of(
            DeadLetterReason reason,
            String detail,
            String origin,
            byte[] payload,
            long eventTimestamp) {
        return new DeadLetter(reason.code(), detail, origin, payload, eventTimestamp);
    }
}
