package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How raw events map to event time, and how much disorder and lateness the job tolerates.
 *
 * @param timestampField path of the event-time field (dots for nested JSON)
 * @param timestampFormat how that field is written
 * @param maxOutOfOrderness bound of the watermark's out-of-orderness
 * @param allowedLateness how long a bucket stays open after the watermark passes its end
 * @param idleness after how long without events a source split stops holding back the watermark
 * @param maxFuture events stamped further than this ahead of the wall clock are dead letters (a
 *     clock set to the year 9999 would otherwise move the watermark past every real event)
 */
public record EventSpec(
        String timestampField,
        TimestampFormat timestampFormat,
        Duration maxOutOfOrderness,
        Duration allowedLateness,
        Duration idleness,
        Duration maxFuture)
        implements Serializable {}
