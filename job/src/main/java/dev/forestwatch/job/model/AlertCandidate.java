package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * A result that alert policies look at: a final record, influencer or bucket, reduced to what
 * alerting needs. Keyed by {@code level} and {@code entity}, so de-duplication and suppression are
 * per entity.
 *
 * @param jobId the job
 * @param level {@code record}, {@code influencer} or {@code bucket}
 * @param entity what the alert is about: a series ({@code detector 0 host=web-02}), an influencer
 *     ({@code host=web-02}) or {@code bucket}
 * @param resultId the result's id
 * @param dataKind the cutoff data kind of a record (null for influencers and buckets)
 * @param timestamp bucket start (event time for per-event records), epoch ms
 * @param bucketSpanSeconds bucket span
 * @param score the normalized 0–100 score
 * @param severity severity label of the score
 * @param rawScore the record's raw forest score (NaN for influencers and buckets)
 * @param probability the result's probability
 * @param description a short human description (series, influencer or bucket)
 * @param reason the record's explanation, or a summary for influencers and buckets
 * @param topRecords descriptions of the most anomalous records involved (bucket level)
 * @param topInfluencers influencer descriptions with scores (bucket level)
 */
public record AlertCandidate(
        String jobId,
        String level,
        String entity,
        String resultId,
        String dataKind,
        long timestamp,
        long bucketSpanSeconds,
        double score,
        String severity,
        double rawScore,
        double probability,
        String description,
        String reason,
        String[] topRecords,
        String[] topInfluencers)
        implements Serializable {}
