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
 * @param values the numeric field values, one per detector field (empty for count)
 * @param distinctValue the field value for distinct_count, else null
 * @param influencerValues the event's value of each influencer field of the spec, in order
 */
public record SeriesPoint(
        String seriesKey,
        int detectorIndex,
        String partitionValue,
        String byValue,
        long timestamp,
        double[] values,
        String distinctValue,
        String[] influencerValues)
        implements Serializable {

    private static final char SEP = '\u001f';

    /** The series key for a detector and its split values. */
    public static String keyOf(int detectorIndex, String partitionValue, String byValue) {
        return detectorIndex + String.valueOf(SEP) + partitionValue + SEP + byValue;
    }
}
