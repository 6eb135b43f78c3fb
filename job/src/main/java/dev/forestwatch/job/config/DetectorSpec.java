package dev.forestwatch.job.config;

import java.io.Serializable;

/**
 * One detector of the analysis: a function over a field, split into one series per value of the by
 * field within each value of the partition field.
 *
 * @param index position in {@code analysis.detectors}, used as {@code detector_index}
 * @param function the detector function
 * @param fieldName the analysed field, or {@code null} for {@code count}
 * @param byFieldName field whose values split the detector into series, or {@code null}
 * @param partitionFieldName field whose values partition the detector, or {@code null}
 * @param description human description, defaulted from the other settings
 */
public record DetectorSpec(
        int index,
        DetectorFunction function,
        String fieldName,
        String byFieldName,
        String partitionFieldName,
        String description)
        implements Serializable {}
