package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * The result for the whole job in one bucket (Elastic's {@code bucket} result type), aggregated
 * from the records of all series.
 *
 * @param resultId stable id (job, time, span)
 * @param jobId the job
 * @param timestamp bucket start, epoch milliseconds
 * @param bucketSpanSeconds bucket width in seconds
 * @param anomalyScore normalized 0–100 score of the bucket (may be renormalized later)
 * @param initialAnomalyScore the score when first emitted
 * @param probability the lowest record probability in the bucket
 * @param eventCount input events that fell into the bucket
 * @param recordCount records (series) scored in the bucket
 * @param anomalousRecordCount records with a forest grade above 0
 * @param maxGrade highest record grade
 * @param maxRawScore highest record raw score
 * @param maxRecordScore highest record score
 * @param topRecordSeries description of the record with the highest score
 * @param processingTimeMs time spent in the forests for this bucket
 * @param isInterim whether the bucket is still open (a final result will replace this one)
 * @param bucketInfluencerFields {@code bucket_time} and each influencer field
 * @param bucketInfluencerProbabilities probability per entry
 * @param bucketInfluencerScores score per entry
 * @param bucketInfluencerInitialScores initial score per entry
 */
public record BucketResult(
        String resultId,
        String jobId,
        long timestamp,
        long bucketSpanSeconds,
        double anomalyScore,
        double initialAnomalyScore,
        double probability,
        long eventCount,
        long recordCount,
        long anomalousRecordCount,
        double maxGrade,
        double maxRawScore,
        double maxRecordScore,
        String topRecordSeries,
        long processingTimeMs,
        boolean isInterim,
        String[] bucketInfluencerFields,
        double[] bucketInfluencerProbabilities,
        double[] bucketInfluencerScores,
        double[] bucketInfluencerInitialScores)
        implements Serializable {

    /** A copy with a renormalized anomaly score (bucket_time's influencer score follows it). */
    public BucketResult withScore(double score) {
        double[] scores = bucketInfluencerScores.clone();
        for (int i = 0; i < bucketInfluencerFields.length; i++) {
            if (bucketInfluencerFields[i].equals("bucket_time")) {
                scores[i] = score;
            }
        }
        return new BucketResult(
                resultId,
                jobId,
                timestamp,
                bucketSpanSeconds,
                score,
                initialAnomalyScore,
                probability,
                eventCount,
                recordCount,
                anomalousRecordCount,
                maxGrade,
                maxRawScore,
                maxRecordScore,
                topRecordSeries,
                processingTimeMs,
                isInterim,
                bucketInfluencerFields,
                bucketInfluencerProbabilities,
                scores,
                bucketInfluencerInitialScores);
    }
}
