package dev.forestwatch.connectors.dynamodb;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One row of the {@code anomaly_cut_off} table: the score threshold above which a record of one
 * data kind counts as an anomaly, with how it was derived.
 *
 * <p>The first three components are the seed's schema (the weekly batch job wrote exactly {@code
 * data_kind}, {@code update_time} and {@code score_cutoff}); the rest is provenance so an operator
 * can tell why a cutoff has the value it has. The record is a Flink POJO (no Kryo) so it can flow
 * through a job and into {@link CutoffTableSink}.
 *
 * <p>No validation happens in the constructor on purpose: Flink's record serializer instantiates
 * records with default (null/zero) components while copying and restoring.
 *
 * @param dataKind partition key, e.g. {@code taxi_ridership}
 * @param updateTime sort key, {@code yyyyMMddHHmmss} in UTC (see {@link #updateTimeOf(long)})
 * @param scoreCutoff scores strictly above this are anomalies
 * @param method {@value #METHOD_MEAN_PLUS_K_SIGMA}, {@value #METHOD_QUANTILE}, or {@value
 *     #METHOD_EXTERNAL} for rows written by someone else (the seed's batch job)
 * @param k the multiplier of {@code stddev} for mean plus k sigma, or the quantile (0..1)
 * @param mean mean of the scores the cutoff was computed from, NaN if unknown
 * @param stddev standard deviation of those scores, NaN if unknown
 * @param sampleCount number of scores the cutoff was computed from, 0 if unknown
 * @param computedAtMillis event time (epoch millis) of the recomputation
 */
public record CutoffItem(
        String dataKind,
        String updateTime,
        double scoreCutoff,
        String method,
        double k,
        double mean,
        double stddev,
        long sampleCount,
        long computedAtMillis)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Cutoff is {@code mean + k * stddev}, the seed's rule with k = 3. */
    public static final String METHOD_MEAN_PLUS_K_SIGMA = "mean_plus_k_sigma";

    /** Cutoff is the k-quantile of the scores. */
    public static final String METHOD_QUANTILE = "quantile";

    /** Cutoff came from a row that carries no provenance (written by the seed's batch job). */
    public static final String METHOD_EXTERNAL = "external";

    // Sort keys compare as strings, so the width must stay fixed: 14 digits, zero-padded, UTC.
    private static final DateTimeFormatter UPDATE_TIME =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withZone(ZoneOffset.UTC);

    /** Formats epoch millis as the table's sort key, {@code yyyyMMddHHmmss} in UTC. */
    public static String updateTimeOf(long epochMillis) {
        return UPDATE_TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses a sort key written by {@link #updateTimeOf(long)} back to epoch millis. */
    public static long epochMillisOf(String updateTime) {
        return UPDATE_TIME.parse(updateTime, Instant::from).toEpochMilli();
    }

    /**
     * A cutoff computed as {@code mean + k * stddev}, stamped with the event time of the
     * recomputation.
     */
    public static CutoffItem meanPlusKSigma(
            String dataKind,
            long computedAtMillis,
            double k,
            double mean,
            double stddev,
            long sampleCount) {
        return new CutoffItem(
                dataKind,
                updateTimeOf(computedAtMillis),
                mean + k * stddev,
                METHOD_MEAN_PLUS_K_SIGMA,
                k,
                mean,
                stddev,
                sampleCount,
                computedAtMillis);
    }

    /** Whether the cutoff itself is a usable number (NaN or infinite ones are never stored). */
    public boolean hasFiniteCutoff() {
        return Double.isFinite(scoreCutoff);
    }
}
