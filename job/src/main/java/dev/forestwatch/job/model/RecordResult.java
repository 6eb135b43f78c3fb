package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * The result for one series in one bucket, or for one event of a per-event detector (Elastic's
 * {@code record} result type), plus our forest outputs. The scorer fills everything up to {@code
 * isInterim}; the normalizer adds the probability and scores with {@link #withScores}.
 *
 * @param resultId stable id: the same record always gets the same id, so updates (interim to final,
 *     renormalization) replace earlier versions
 * @param jobId the job
 * @param timestamp bucket start (or event time for per-event detectors), epoch milliseconds
 * @param bucketSpanSeconds bucket width in seconds
 * @param detectorIndex which detector
 * @param function detector function name, e.g. {@code high_mean}
 * @param fieldNames analysed fields (empty for count)
 * @param byFieldName by field or null
 * @param byFieldValue by value or null
 * @param partitionFieldName partition field or null
 * @param partitionFieldValue partition value or null
 * @param actual the bucket's aggregated value per field (the event's values per-event)
 * @param typical the expected value per field, or null when the forest gives none
 * @param modelLower the lower model bound per field: {@code typical} less 1.96 standard deviations
 *     of the series around its typical value (see {@code MovingLevel}), or null without a typical
 *     value or before the series has a spread
 * @param modelUpper the upper model bound per field, likewise
 * @param attribution each field's share of the anomaly (sums to 1), multivariate only, else null
 * @param seasonality the periods the series' seasonal memory uses (e.g. {@code 1d}, {@code 1w}),
 *     shortest first, or null while it uses none; {@code typical} then includes the seasonal
 *     reference of the record's time
 * @param rangeExcess how far the value lies beyond the range the series has seen before, as a
 *     fraction of that range (0 inside it, and while the forest is warming up; see {@code
 *     SeenRange})
 * @param reason a short human explanation
 * @param influencerFields influencer field names, parallel to {@code influencerValues}; a field
 *     appears once per value it took in the bucket
 * @param influencerValues influencer values
 * @param rawScore the Random Cut Forest anomaly score (0 while warming up)
 * @param grade the thresholded anomaly grade, 0..1 (0 = not anomalous)
 * @param threshold the forest's current score threshold
 * @param confidence the forest's data confidence, 0..1
 * @param eventCount events in the bucket for this series
 * @param anomalyTimestamp when the forest attributes the anomaly to an earlier bucket, that
 *     bucket's start; else equal to {@code timestamp}
 * @param modelReady whether the forest has finished warming up
 * @param processingNanos time spent updating and scoring the forest
 * @param isInterim whether this is an interim result for a bucket that is still open
 * @param probability how unusual the raw score is given the detector's history, in (0, 1]; NaN
 *     before normalization
 * @param recordScore normalized 0–100 score (may be renormalized later); NaN before normalization
 * @param initialRecordScore the score when first emitted; never changes
 */
public record RecordResult(
        String resultId,
        String jobId,
        long timestamp,
        long bucketSpanSeconds,
        int detectorIndex,
        String function,
        String[] fieldNames,
        String byFieldName,
        String byFieldValue,
        String partitionFieldName,
        String partitionFieldValue,
        double[] actual,
        double[] typical,
        double[] modelLower,
        double[] modelUpper,
        double[] attribution,
        String[] seasonality,
        double rangeExcess,
        String reason,
        String[] influencerFields,
        String[] influencerValues,
        double rawScore,
        double grade,
        double threshold,
        double confidence,
        long eventCount,
        long anomalyTimestamp,
        boolean modelReady,
        long processingNanos,
        boolean isInterim,
        double probability,
        double recordScore,
        double initialRecordScore)
        implements Serializable {

    /** A copy with the normalizer's probability and scores. */
    public RecordResult withScores(double probability, double recordScore, double initialScore) {
        return new RecordResult(
                resultId,
                jobId,
                timestamp,
                bucketSpanSeconds,
                detectorIndex,
                function,
                fieldNames,
                byFieldName,
                byFieldValue,
                partitionFieldName,
                partitionFieldValue,
                actual,
                typical,
                modelLower,
                modelUpper,
                attribution,
                seasonality,
                rangeExcess,
                reason,
                influencerFields,
                influencerValues,
                rawScore,
                grade,
                threshold,
                confidence,
                eventCount,
                anomalyTimestamp,
                modelReady,
                processingNanos,
                isInterim,
                probability,
                recordScore,
                initialScore);
    }

    /** The analysed fields joined with commas, or null for count. */
    public String fieldName() {
        return fieldNames == null || fieldNames.length == 0 ? null : String.join(",", fieldNames);
    }
}
