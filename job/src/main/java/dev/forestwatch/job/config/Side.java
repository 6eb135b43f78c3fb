package dev.forestwatch.job.config;

/** Which deviations a detector reports: both directions, only high values or only low values. */
public enum Side {
    BOTH(""),
    HIGH("high_"),
    LOW("low_");

    private final String prefix;

    Side(String prefix) {
        this.prefix = prefix;
    }

    /** The function-name prefix in the spec ({@code high_}, {@code low_} or empty). */
    public String prefix() {
        return prefix;
    }
}
