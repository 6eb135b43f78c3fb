package dev.forestwatch.job.alert;

import dev.forestwatch.job.model.AlertCandidate;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys alert candidates by {@code level|entity}, so de-duplication and suppression apply per entity
 * at one result level (a bucket alert never suppresses a record alert).
 */
public final class AlertKey implements KeySelector<AlertCandidate, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(AlertCandidate candidate) {
        return of(candidate.level(), candidate.entity());
    }

    /** The key of a level and entity, e.g. {@code record|detector 0 host=web-02}. */
    public static String of(String level, String entity) {
        return level + "|" + entity;
    }
}
