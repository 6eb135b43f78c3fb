package dev.forestwatch.job.config;

import java.io.Serializable;
import java.util.List;

/**
 * One detector of the analysis: a function over one field ({@code field_name}) or several fields
 * analysed together by one forest ({@code fields}), split into one series per value of the by field
 * within each value of the partition field.
 *
 * @param index position in {@code analysis.detectors}, used as {@code detector_index}
 * @param function the detector function
 * @param fields the analysed fields: empty for {@code count}, one for {@code field_name}, several
 *     for a multivariate detector
 * @param byFieldName field whose values split the detector into series, or {@code null}
 * @param partitionFieldName field whose values partition the detector, or {@code null}
 * @param description human description, defaulted from the other settings
 */
public record DetectorSpec(
        int index,
        DetectorFunction function,
        List<String> fields,
        String byFieldName,
        String partitionFieldName,
        String description)
        implements Serializable {

    /** The analysed field, the fields joined with commas, or {@code null} for {@code count}. */
    public String fieldName() {
        return fields.isEmpty() ? null : String.join(",", fields);
    }

    /** Number of values per forest point before shingling (1 unless multivariate). */
    public int dimensions() {
        return Math.max(1, fields.size());
    }

    /** Whether every event is scored on its own instead of per bucket. */
    public boolean perEvent() {
        return function.aggregation() == Aggregation.VALUE;
    }
}
