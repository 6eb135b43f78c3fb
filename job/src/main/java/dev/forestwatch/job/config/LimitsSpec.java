package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Protective limits.
 *
 * @param maxEventBytes larger events go to the dead-letter output
 * @param stateTtl a series whose state has not been written for this long (processing time) is
 *     dropped; the same span of event time without events ends zero-count buckets
 */
public record LimitsSpec(int maxEventBytes, Duration stateTtl) implements Serializable {}
