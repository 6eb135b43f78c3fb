package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Protective limits.
 *
 * @param maxEventBytes larger events go to the dead-letter output
 * @param stateTtl a series without events for this long in event time is removed (its forest too),
 *     and so is one whose state has not been written for this long in processing time; the same
 *     span of event time without events ends zero-count buckets
 * @param maxSeriesPerSubtask at most this many live series per scorer subtask; events that would
 *     start another one are dead letters with reason {@code series_limit}
 */
public record LimitsSpec(int maxEventBytes, Duration stateTtl, int maxSeriesPerSubtask)
        implements Serializable {
    /** The default cap on live series per scorer subtask. */
    public static final int DEFAULT_MAX_SERIES_PER_SUBTASK = 10_000;
}
