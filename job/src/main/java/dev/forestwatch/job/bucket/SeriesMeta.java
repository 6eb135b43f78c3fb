package dev.forestwatch.job.bucket;

import java.io.Serializable;

/**
 * The identity of a series, kept in its state so results (including zero-count buckets that have no
 * event to copy from) can name it.
 *
 * @param detectorIndex the detector
 * @param partitionValue partition value or empty
 * @param byValue by value or empty
 */
public record SeriesMeta(int detectorIndex, String partitionValue, String byValue)
        implements Serializable {}
