package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * An event that passed parsing and validation, reduced to the fields the spec uses.
 *
 * <p>{@code numbers} and {@code texts} are positional, laid out by {@link
 * dev.forestwatch.job.parse.FieldLayout}. The original payload travels along (by reference, in a
 * chain) until the lateness check, so a late event still reaches the dead-letter output intact.
 *
 * @param timestamp event time, epoch milliseconds
 * @param numbers numeric field values, all finite
 * @param texts text field values, never null
 * @param payload the original bytes
 * @param origin where the event came from
 */
public record ParsedEvent(
        long timestamp, double[] numbers, String[] texts, byte[] payload, String origin)
        implements Serializable {}
