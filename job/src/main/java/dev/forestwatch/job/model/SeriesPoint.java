package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * One event's contribution to one series of one detector.
 *
 * @param seriesKey detector index, partition value and by value joined (the keyBy key)
 * @param detectorIndex the detector
 * @param partitionValue value of the partition field, or empty
 * @param byValue value of the by field, or empty
 * @param timestamp event time, epoch milliseconds
 * @param value the numeric field value (0 for count)
 * @param distinctValue the field value for distinct_count, else null
 */
public record SeriesPoint(
        String seriesKey,
        int detectorIndex,
        String partitionValue,
        String byValue,
        long timestamp,
        double value,
        String distinctValue)
        implements Serializable {

    private static final char SEP = '\u001f';

    /** The series key for a detector and its split values. */
    public static String keyOf(int detectorIndex, String partitionValue, String byValue) {
        return detectorIndex + String.valueOf(SEP) + partitionValue + SEP + byValue;
    }
}
