package dev.forestwatch.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A cutoff recomputed the way the seed's batch job computes it, from a run's own record results:
 * the raw scores of the final, model-ready records in {@code [computedAt - history, computedAt)},
 * their mean and sample standard deviation. ITCases compare the job's cutoffs against it.
 */
public record CutoffRecompute(long count, double mean, double sigma) {

    /** From record results as JSON (files or topics). */
    public static CutoffRecompute of(List<JsonNode> records, long computedAt, Duration history) {
        long from = computedAt - history.toMillis();
        double[] scores =
                records.stream()
                        .filter(r -> r.path("model_ready").asBoolean())
                        .filter(r -> !r.path("is_interim").asBoolean())
                        .filter(
                                r ->
                                        r.path("timestamp").asLong() >= from
                                                && r.path("timestamp").asLong() < computedAt)
                        .mapToDouble(r -> r.path("raw_score").asDouble())
                        .toArray();
        return of(scores);
    }

    /** From raw scores. */
    public static CutoffRecompute of(double[] scores) {
        double mean = Arrays.stream(scores).average().orElse(Double.NaN);
        double squares = Arrays.stream(scores).map(x -> (x - mean) * (x - mean)).sum();
        return new CutoffRecompute(scores.length, mean, Math.sqrt(squares / (scores.length - 1)));
    }

    /** mean + k σ. */
    public double cutoff(double k) {
        return mean + k * sigma;
    }
}
