package dev.forestwatch.job.model;

import java.io.Serializable;

/**
 * One raw forest score on its way to cutoff recomputation (the scorer's side of the seed's batch
 * job, which computed {@code mean + 3σ} over all scores).
 *
 * @param dataKind which cutoff the score belongs to (job, detector or series granularity)
 * @param timestamp the record's bucket start (or event time), epoch ms
 * @param rawScore the raw Random Cut Forest score
 */
public record ScoreSample(String dataKind, long timestamp, double rawScore)
        implements Serializable {}
