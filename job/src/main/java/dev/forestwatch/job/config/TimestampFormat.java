package dev.forestwatch.job.config;

import java.io.Serializable;

/**
 * How the event-time field is written.
 *
 * @param kind ISO-8601, epoch seconds, epoch milliseconds or a {@code DateTimeFormatter} pattern
 * @param pattern the pattern when {@code kind} is {@link Kind#PATTERN}, else {@code null}
 * @param zone zone id applied to patterns and ISO local date-times without an offset
 */
public record TimestampFormat(Kind kind, String pattern, String zone) implements Serializable {

    /** The supported families of timestamp formats. */
    public enum Kind {
        ISO8601,
        EPOCH_SECONDS,
        EPOCH_MILLIS,
        PATTERN
    }
}
