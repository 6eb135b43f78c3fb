package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * The result for the whole job in one bucket (Elastic's {@code bucket} result type), aggregated
 * from the records of all series.
 *
 * @param jobId the job
 * @param timestamp bucket start, epoch milliseconds
 * @param bucketSpanSeconds bucket width in seconds
 * @param eventCount input events that fell into the bucket
 * @param recordCount records (series) scored in the bucket
 * @param anomalousRecordCount records with a grade above 0
 * @param maxGrade highest record grade
 * @param maxRawScore highest record raw score
 * @param topRecordSeries description of the record with the highest grade (then raw score)
 * @param processingTimeMs time spent in the forests for this bucket
 * @param isInterim always false in this version (final results only)
 */
public record BucketResult(
        String jobId,
        long timestamp,
        long bucketSpanSeconds,
        long eventCount,
        long recordCount,
        long anomalousRecordCount,
        double maxGrade,
        double maxRawScore,
        String topRecordSeries,
        long processingTimeMs,
        boolean isInterim)
        implements Serializable {}
