package dev.forestwatch.connectors.deadletter;

/** Why an event went to the dead-letter output; each code is also a metric name. */
public enum DeadLetterReason {
    /** The payload is not valid JSON or CSV. */
    UNPARSABLE("unparsable"),
    /** The payload is larger than {@code limits.max_event_bytes}. */
    OVERSIZED("oversized"),
    /** The timestamp field is absent or empty. */
    MISSING_TIMESTAMP("missing_timestamp"),
    /** The timestamp field does not match the configured format. */
    BAD_TIMESTAMP("bad_timestamp"),
    /** A field a detector needs is absent, empty or null. */
    MISSING_FIELD("missing_field"),
    /** A field a detector needs as a number is not a number. */
    NON_NUMERIC("non_numeric"),
    /** A field has the wrong shape (an object or list where a scalar is needed). */
    WRONG_TYPE("wrong_type"),
    /** A numeric field is NaN or infinite (it would corrupt a forest for good). */
    NOT_FINITE("not_finite"),
    /** The event arrived after its bucket closed (later than the allowed lateness). */
    LATE("late"),
    /**
     * The event would start a new series on a subtask that already holds {@code
     * limits.max_series_per_subtask} live series.
     */
    SERIES_LIMIT("series_limit");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** The stable code written into dead letters and used as the metric name. */
    public String code() {
        return code;
    }
}
