package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * {@code model.seasonality}: which periods a series' seasonal memory considers.
 *
 * @param mode {@code AUTO} (test the daily and weekly periods on every series, use those the data
 *     shows), {@code NONE} (no seasonal memory), or {@code FIXED} (test only the listed periods)
 * @param periods the candidate periods: a day and a week for {@code AUTO}, the listed ones for
 *     {@code FIXED}, empty for {@code NONE}
 */
public record SeasonalitySpec(Mode mode, List<Duration> periods) implements Serializable {

    /** How periods are chosen. */
    public enum Mode {
        AUTO,
        NONE,
        FIXED
    }

    /** The periods {@code auto} tests: a day and a week. */
    public static final List<Duration> AUTO_PERIODS =
            List.of(Duration.ofDays(1), Duration.ofDays(7));

    /** The default: automatic. */
    public static SeasonalitySpec auto() {
        return new SeasonalitySpec(Mode.AUTO, AUTO_PERIODS);
    }

    /** No seasonal memory. */
    public static SeasonalitySpec none() {
        return new SeasonalitySpec(Mode.NONE, List.of());
    }

    /** Whether any period is tested. */
    public boolean enabled() {
        return !periods.isEmpty();
    }

    /** The candidate periods in milliseconds. */
    public long[] periodMillis() {
        return periods.stream().mapToLong(Duration::toMillis).toArray();
    }

    /** As written in the spec: {@code auto}, {@code none} or {@code [1d, 1w]}. */
    public String describe() {
        return switch (mode) {
            case AUTO -> "auto";
            case NONE -> "none";
            case FIXED -> periods.stream().map(SeasonalitySpec::format).toList().toString();
        };
    }

    /** A period as a short duration: {@code 1w}, {@code 1d}, {@code 12h}, {@code 90m}, ... */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s > 0 && s % (7 * 86400) == 0) {
            return s / (7 * 86400) + "w";
        }
        if (s > 0 && s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s > 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s > 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() + "ms";
    }
}
