package dev.forestwatch.job.config;

/** How the events of one bucket are summarised into the value a forest sees. */
public enum Aggregation {
    /** Number of events; an empty bucket of a known series counts 0. */
    COUNT(false),
    /** Sum of the field. */
    SUM(true),
    /** Arithmetic mean of the field. */
    MEAN(true),
    /** Smallest value of the field. */
    MIN(true),
    /** Largest value of the field. */
    MAX(true),
    /** Median of the field (exact up to the sketch size, then within the KLL sketch's error). */
    MEDIAN(true),
    /** Number of distinct values of the field (exact for small counts, HLL estimate beyond). */
    DISTINCT_COUNT(true),
    /**
     * Per-event mode: no aggregation; every event's field values are scored, in event-time order,
     * as the seed's Lambda scored each DynamoDB stream record.
     */
    VALUE(true);

    private final boolean needsField;

    Aggregation(boolean needsField) {
        this.needsField = needsField;
    }

    /** Whether the function reads a field ({@code count} does not). */
    public boolean needsField() {
        return needsField;
    }

    /** Whether the field must be numeric ({@code distinct_count} accepts any value). */
    public boolean numericField() {
        return needsField && this != DISTINCT_COUNT;
    }

    /** Whether several fields may be analysed together by one forest ({@code fields: [a, b]}). */
    public boolean multivariate() {
        return numericField();
    }

    /** The spec name, e.g. {@code distinct_count}. */
    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
