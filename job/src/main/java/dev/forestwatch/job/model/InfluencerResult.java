package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * How much one influencer value (say {@code airline = AAL}) contributed to the anomalies of one
 * bucket (Elastic's {@code influencer} result type).
 *
 * @param resultId stable id (job, time, field, value)
 * @param jobId the job
 * @param timestamp bucket start, epoch milliseconds
 * @param bucketSpanSeconds bucket width in seconds
 * @param influencerFieldName the influencer field
 * @param influencerFieldValue its value
 * @param influencerScore normalized 0–100 score (may be renormalized later)
 * @param initialInfluencerScore the score when first emitted
 * @param probability the lowest probability among the records it influenced
 * @param recordCount how many records of the bucket it influenced
 * @param isInterim always false: influencers are computed for final buckets
 */
public record InfluencerResult(
        String resultId,
        String jobId,
        long timestamp,
        long bucketSpanSeconds,
        String influencerFieldName,
        String influencerFieldValue,
        double influencerScore,
        double initialInfluencerScore,
        double probability,
        long recordCount,
        boolean isInterim)
        implements Serializable {

    /** A copy with a renormalized score. */
    public InfluencerResult withScore(double score) {
        return new InfluencerResult(
                resultId,
                jobId,
                timestamp,
                bucketSpanSeconds,
                influencerFieldName,
                influencerFieldValue,
                score,
                initialInfluencerScore,
                probability,
                recordCount,
                isInterim);
    }
}
