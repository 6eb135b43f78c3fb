package dev.forestwatch.job.score;

import java.util.Locale;

/**
 * Severity band of a normalized 0–100 anomaly score, following the Elastic ML convention: warning
 * below 25, minor below 50, major below 75, critical from 75 up.
 */
public enum Severity {
    /** Normalized score in [0, 25). */
    WARNING,
    /** Normalized score in [25, 50). */
    MINOR,
    /** Normalized score in [50, 75). */
    MAJOR,
    /** Normalized score in [75, 100]. */
    CRITICAL;

    private final String label = name().toLowerCase(Locale.ROOT);

    /**
     * Band of a normalized score. Scores outside [0, 100] fall into the nearest band, and NaN is
     * treated as "no evidence" (warning) so that a bad input never escalates an alert.
     */
    public static Severity of(double score) {
        if (score >= 75.0) {
            return CRITICAL;
        }
        if (score >= 50.0) {
            return MAJOR;
        }
        if (score >= 25.0) {
            return MINOR;
        }
        return WARNING;
    }

    /** Lower-case name used in output records, e.g. {@code "critical"}. */
    public String label() {
        return label;
    }
}
