package dev.forestwatch.job.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A detector function as written in the spec: an aggregation with an optional one-sided prefix,
 * such as {@code mean}, {@code high_count} or {@code low_distinct_count}.
 *
 * @param aggregation how a bucket is summarised
 * @param side which deviations are reported
 */
public record DetectorFunction(Aggregation aggregation, Side side) implements Serializable {

    /** Parses a spec name; empty if it names no known function. */
    public static Optional<DetectorFunction> parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        Side side = Side.BOTH;
        if (n.startsWith("high_")) {
            side = Side.HIGH;
            n = n.substring(5);
        } else if (n.startsWith("low_")) {
            side = Side.LOW;
            n = n.substring(4);
        }
        for (Aggregation a : Aggregation.values()) {
            if (a.specName().equals(n)) {
                return Optional.of(new DetectorFunction(a, side));
            }
        }
        return Optional.empty();
    }

    /** Every accepted function name, for error messages and docs. */
    public static List<String> allNames() {
        List<String> names = new ArrayList<>();
        for (Side s : Side.values()) {
            for (Aggregation a : Aggregation.values()) {
                names.add(s.prefix() + a.specName());
            }
        }
        return names;
    }

    /** The spec name, e.g. {@code high_mean}. */
    public String specName() {
        return side.prefix() + aggregation.specName();
    }
}
