package dev.forestwatch.job.parse;

import dev.forestwatch.job.config.DetectorSpec;
import dev.forestwatch.job.config.JobSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which event fields the job reads, and where each lands in a {@link
 * dev.forestwatch.job.model.ParsedEvent}: numeric fields (detector fields of numeric functions) and
 * text fields (by, partition, distinct_count and influencer fields). Every listed field is required
 * on every event.
 */
public final class FieldLayout implements Serializable {
    private final List<String> numericFields;
    private final List<String> textFields;

    private FieldLayout(List<String> numericFields, List<String> textFields) {
        this.numericFields = List.copyOf(numericFields);
        this.textFields = List.copyOf(textFields);
    }

    /** The layout a spec needs. */
    public static FieldLayout of(JobSpec spec) {
        List<String> numeric = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (DetectorSpec d : spec.analysis().detectors()) {
            for (String field : d.fields()) {
                addOnce(d.function().aggregation().numericField() ? numeric : text, field);
            }
            if (d.byFieldName() != null) {
                addOnce(text, d.byFieldName());
            }
            if (d.partitionFieldName() != null) {
                addOnce(text, d.partitionFieldName());
            }
        }
        for (String influencer : spec.analysis().influencers()) {
            if (!numeric.contains(influencer)) {
                addOnce(text, influencer);
            }
        }
        return new FieldLayout(numeric, text);
    }

    private static void addOnce(List<String> list, String field) {
        if (!list.contains(field)) {
            list.add(field);
        }
    }

    public List<String> numericFields() {
        return numericFields;
    }

    public List<String> textFields() {
        return textFields;
    }

    /** Position of a numeric field, or -1. */
    public int numericIndex(String field) {
        return numericFields.indexOf(field);
    }

    /** Position of a text field, or -1. */
    public int textIndex(String field) {
        return textFields.indexOf(field);
    }
}
