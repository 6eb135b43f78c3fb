package dev.forestwatch.connectors.dynamodb;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Attribute names of the {@code anomaly_cut_off} table and the mapping between {@link CutoffItem}
 * and DynamoDB items, shared by the sink and the reader so both sides agree on names and number
 * formats.
 *
 * <p>The key schema and {@code score_cutoff} are the seed's: the seed's Lambda and batch job keep
 * working against rows this project writes, and this project reads theirs.
 */
public final class CutoffTableSchema {

    /** Partition key (S). */
    public static final String DATA_KIND = "data_kind";

    /** Sort key (S), {@code yyyyMMddHHmmss} UTC. */
    public static final String UPDATE_TIME = "update_time";

    /** The threshold (N). */
    public static final String SCORE_CUTOFF = "score_cutoff";

    /** How the threshold was derived (S). */
    public static final String METHOD = "method";

    /** Sigma multiplier or quantile (N). */
    public static final String K = "k";

    /** Mean of the scores (N). */
    public static final String MEAN = "mean";

    /** Standard deviation of the scores (N). */
    public static final String STDDEV = "stddev";

    /** Number of scores (N). */
    public static final String SAMPLE_COUNT = "sample_count";

    /** Event time of the recomputation, epoch millis (N). */
    public static final String COMPUTED_AT = "computed_at";

    /**
     * Upper bound of the sort key in the seed's query; it keeps the newest row first even if
     * someone stored a malformed, longer {@code update_time}.
     */
    public static final String MAX_UPDATE_TIME = "99990000000000";

    // DynamoDB numbers span 1E-130 .. 9.99...E+125 in magnitude; anything else is rejected.
    private static final BigDecimal MIN_MAGNITUDE = new BigDecimal("1E-130");
    private static final BigDecimal MAX_MAGNITUDE_EXCLUSIVE = new BigDecimal("1E+126");

    private CutoffTableSchema() {}

    /**
     * The item written for one cutoff. Doubles that DynamoDB cannot store (NaN, infinities, values
     * outside its number range) are left out instead of being written, because a PUT with such an N
     * value fails the whole batch.
     *
     * @throws IllegalArgumentException if a key component is missing, since DynamoDB would reject
     *     the write anyway and a retry cannot fix it
     */
    public static Map<String, AttributeValue> toItem(CutoffItem cutoff) {
        requireKey(cutoff.dataKind(), DATA_KIND);
        requireKey(cutoff.updateTime(), UPDATE_TIME);
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(DATA_KIND, AttributeValue.fromS(cutoff.dataKind()));
        item.put(UPDATE_TIME, AttributeValue.fromS(cutoff.updateTime()));
        putNumber(item, SCORE_CUTOFF, cutoff.scoreCutoff());
        if (cutoff.method() != null && !cutoff.method().isEmpty()) {
            item.put(METHOD, AttributeValue.fromS(cutoff.method()));
        }
        putNumber(item, K, cutoff.k());
        putNumber(item, MEAN, cutoff.mean());
        putNumber(item, STDDEV, cutoff.stddev());
        item.put(SAMPLE_COUNT, AttributeValue.fromN(Long.toString(cutoff.sampleCount())));
        item.put(COMPUTED_AT, AttributeValue.fromN(Long.toString(cutoff.computedAtMillis())));
        return item;
    }

    /**
     * The cutoff stored in an item. Rows of the seed's batch job carry only the key and {@code
     * score_cutoff}; their missing provenance becomes method {@value CutoffItem#METHOD_EXTERNAL},
     * NaN for k, mean and stddev, 0 samples, and {@code computedAtMillis} taken from {@code
     * update_time}. A missing or unreadable {@code score_cutoff} becomes NaN.
     */
    public static CutoffItem fromItem(Map<String, AttributeValue> item) {
        String dataKind = text(item.get(DATA_KIND)).orElse(null);
        String updateTime = text(item.get(UPDATE_TIME)).orElse(null);
        long computedAt =
                number(item.get(COMPUTED_AT))
                        .map(BigDecimal::longValue)
                        .orElseGet(() -> epochMillisOrZero(updateTime));
        return new CutoffItem(
                dataKind,
                updateTime,
                doubleOf(item.get(SCORE_CUTOFF)),
                text(item.get(METHOD)).orElse(CutoffItem.METHOD_EXTERNAL),
                doubleOf(item.get(K)),
                doubleOf(item.get(MEAN)),
                doubleOf(item.get(STDDEV)),
                number(item.get(SAMPLE_COUNT)).map(BigDecimal::longValue).orElse(0L),
                computedAt);
    }

    /**
     * A double as a DynamoDB number string in plain notation (no exponent), or empty when DynamoDB
     * cannot store it. Starts from {@link Double#toString(double)}, a short decimal that reads back
     * as the same double, so {@code 1.31462299965} stays {@code 1.31462299965} rather than gaining
     * the binary expansion's noise digits.
     */
    public static Optional<String> plainNumber(double value) {
        if (!Double.isFinite(value)) {
            return Optional.empty();
        }
        if (value == 0.0) {
            return Optional.of("0"); // also for -0.0, which DynamoDB has no notion of
        }
        BigDecimal decimal = BigDecimal.valueOf(value).stripTrailingZeros();
        BigDecimal magnitude = decimal.abs();
        if (magnitude.compareTo(MIN_MAGNITUDE) < 0
                || magnitude.compareTo(MAX_MAGNITUDE_EXCLUSIVE) >= 0) {
            return Optional.empty();
        }
        return Optional.of(decimal.toPlainString());
    }

    private static void putNumber(Map<String, AttributeValue> item, String name, double value) {
        plainNumber(value).ifPresent(n -> item.put(name, AttributeValue.fromN(n)));
    }

    private static void requireKey(String value, String attribute) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(attribute + " of a cutoff item must not be empty");
        }
    }

    private static Optional<String> text(AttributeValue value) {
        return value == null ? Optional.empty() : Optional.ofNullable(value.s());
    }

    // Numbers are N; an S holding a number is accepted too, as hand-edited rows sometimes are.
    private static Optional<BigDecimal> number(AttributeValue value) {
        if (value == null) {
            return Optional.empty();
        }
        String raw = value.n() != null ? value.n() : value.s();
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(raw.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static double doubleOf(AttributeValue value) {
        return number(value).map(BigDecimal::doubleValue).orElse(Double.NaN);
    }

    private static long epochMillisOrZero(String updateTime) {
        if (updateTime == null) {
            return 0L;
        }
        try {
            return CutoffItem.epochMillisOf(updateTime);
        } catch (RuntimeException e) {
            return 0L;
        }
    }
}
