package dev.forestwatch.job.config;

import java.io.Serializable;

/**
 * One alerting rule.
 *
 * @param name the policy's name, written into its alerts
 * @param mode {@code cutoff}: a record's raw score above the current cutoff (the seed's rule);
 *     {@code score}: a result's normalized score at or above {@code minScore}
 * @param level which results the policy watches: record, influencer or bucket ({@code cutoff} mode
 *     watches records)
 * @param minScore the minimum score for {@code score} mode
 * @param minSeverity alerts below this severity are not raised
 */
public record AlertPolicy(String name, Mode mode, Level level, double minScore, String minSeverity)
        implements Serializable {

    /** What triggers the policy. */
    public enum Mode {
        CUTOFF,
        SCORE
    }

    /** Result level watched. */
    public enum Level {
        RECORD,
        INFLUENCER,
        BUCKET
    }
}
