package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * The result for one series in one bucket (Elastic's {@code record} result type), plus our forest
 * outputs.
 *
 * @param jobId the job
 * @param timestamp bucket start, epoch milliseconds
 * @param bucketSpanSeconds bucket width in seconds
 * @param detectorIndex which detector
 * @param function detector function name, e.g. {@code high_mean}
 * @param fieldName analysed field or null
 * @param byFieldName by field or null
 * @param byFieldValue by value or null
 * @param partitionFieldName partition field or null
 * @param partitionFieldValue partition value or null
 * @param actual the bucket's aggregated value
 * @param typical the forest's expected value, when it gives one, else null
 * @param rawScore the Random Cut Forest anomaly score (0 while warming up)
 * @param grade the thresholded anomaly grade, 0..1 (0 = not anomalous)
 * @param threshold the forest's current score threshold
 * @param confidence the forest's data confidence, 0..1
 * @param eventCount events in the bucket for this series
 * @param anomalyTimestamp when the forest attributes the anomaly to an earlier bucket, that
 *     bucket's start; else equal to {@code timestamp}
 * @param modelReady whether the forest has finished warming up
 * @param processingNanos time spent updating and scoring the forest
 */
public record RecordResult(
        String jobId,
        long timestamp,
        long bucketSpanSeconds,
        int detectorIndex,
        String function,
        String fieldName,
        String byFieldName,
        String byFieldValue,
        String partitionFieldName,
        String partitionFieldValue,
        double[] actual,
        double[] typical,
        double rawScore,
        double grade,
        double threshold,
        double confidence,
        long eventCount,
        long anomalyTimestamp,
        boolean modelReady,
        long processingNanos)
        implements Serializable {}
