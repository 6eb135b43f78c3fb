package dev.forestwatch.job;

/** The job's outputs; each can go to files, Kafka, the console, or nowhere. */
public enum Output {
    RECORDS("records", "result_id"),
    INFLUENCERS("influencers", "influencer_field_value"),
    BUCKETS("buckets", "job_id"),
    RENORMALIZED("renormalized", "result_id"),
    ALERTS("alerts", "alert_id"),
    CUTOFFS("cutoffs", "data_kind"),
    DEAD_LETTERS("dead-letters", "reason");

    private final String fileStem;
    private final String messageKeyField;

    Output(String fileStem, String messageKeyField) {
        this.fileStem = fileStem;
        this.messageKeyField = messageKeyField;
    }

    /** Local file name, e.g. {@code dead-letters.jsonl}. */
    public String fileName() {
        return fileStem + ".jsonl";
    }

    /** Kebab-case name used in uids and transactional ids. */
    public String id() {
        return fileStem;
    }

    /**
     * The JSON field whose value is the Kafka message key: the entity (or series) for ordering and
     * compaction, {@code alert_id} for alerts, {@code result_id} for renormalized results.
     */
    public String messageKeyField() {
        return messageKeyField;
    }
}
