package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * An alert raised by a policy: at most one per job, bucket, level and entity, with an id derived
 * from exactly those, so a replay after a failure produces the same alert (and an exactly-once sink
 * never delivers a second one).
 *
 * @param alertId deterministic id (job, policy, level, entity, bucket time)
 * @param jobId the job
 * @param policy the policy that raised it
 * @param mode {@code cutoff} or {@code score}
 * @param level {@code record}, {@code influencer} or {@code bucket}
 * @param entity what the alert is about
 * @param resultId the result that triggered it
 * @param timestamp bucket start (event time), epoch ms
 * @param bucketSpanSeconds bucket span
 * @param severity severity label
 * @param score the normalized score
 * @param rawScore the raw forest score (records), else NaN
 * @param cutoff the cutoff the raw score exceeded ({@code cutoff} mode), else NaN
 * @param cutoffUpdateTime {@code update_time} of that cutoff, else null
 * @param probability the result's probability
 * @param topRecords most anomalous records involved
 * @param topInfluencers top influencers with scores
 * @param message a sentence a person on call can act on
 */
public record Alert(
        String alertId,
        String jobId,
        String policy,
        String mode,
        String level,
        String entity,
        String resultId,
        long timestamp,
        long bucketSpanSeconds,
        String severity,
        double score,
        double rawScore,
        double cutoff,
        String cutoffUpdateTime,
        double probability,
        String[] topRecords,
        String[] topInfluencers,
        String message)
        implements Serializable {}
