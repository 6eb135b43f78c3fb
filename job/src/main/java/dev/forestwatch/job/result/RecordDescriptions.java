package dev.forestwatch.job.result;

import dev.forestwatch.job.model.RecordResult;

/** Short human names for records, used in summaries and bucket results. */
public final class RecordDescriptions {
    private RecordDescriptions() {}

    /** E.g. {@code mean(latency_ms) host=web-02 region=eu}. */
    public static String series(RecordResult r) {
        StringBuilder b = new StringBuilder(r.function());
        if (r.fieldName() != null) {
            b.append('(').append(r.fieldName()).append(')');
        }
        if (r.byFieldName() != null) {
            b.append(' ').append(r.byFieldName()).append('=').append(r.byFieldValue());
        }
        if (r.partitionFieldName() != null) {
            b.append(' ')
                    .append(r.partitionFieldName())
                    .append('=')
                    .append(r.partitionFieldValue());
        }
        return b.toString();
    }
}
