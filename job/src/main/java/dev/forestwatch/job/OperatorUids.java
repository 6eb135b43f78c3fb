package dev.forestwatch.job;

/**
 * The stable uid of every operator. These strings are the savepoint contract: a savepoint maps
 * state to operators by uid, so a uid must never change once released. Add new ones; never rename.
 * {@code pipeline.auto-generate-uids: false} makes a missing uid fail at submission.
 */
public final class OperatorUids {
    public static final String FILE_SOURCE = "file-source";
    public static final String DATAGEN_SOURCE = "datagen-source";
    public static final String DATAGEN_SPLITTER = "datagen-splitter";
    public static final String PARSER = "event-parser";
    public static final String WATERMARKS = "event-watermarks";
    public static final String LATE_FILTER = "late-event-filter";
    public static final String SERIES_ROUTER = "series-router";
    public static final String BUCKET_SCORER = "bucket-scorer";
    public static final String RECORD_NORMALIZER = "record-normalizer";
    public static final String BUCKET_RESULTS = "bucket-results";
    public static final String RECORD_SCORE_FILTER = "record-score-filter";
    public static final String INFLUENCERS_JSON = "influencers-json";
    public static final String RECORDS_JSON = "records-json";
    public static final String BUCKETS_JSON = "buckets-json";
    public static final String DEAD_LETTERS_JSON = "dead-letters-json";
    public static final String KAFKA_SOURCE = "kafka-source";
    public static final String DYNAMODB_STREAMS_SOURCE = "dynamodb-streams-source";
    public static final String SCORE_SAMPLES = "score-samples";
    public static final String CUTOFF_RECOMPUTER = "cutoff-recomputer";
    public static final String CUTOFFS_JSON = "cutoffs-json";
    public static final String CUTOFF_TABLE_SINK = "cutoff-table-sink";
    public static final String RECORD_ALERT_CANDIDATES = "record-alert-candidates";
    public static final String INFLUENCER_ALERT_CANDIDATES = "influencer-alert-candidates";
    public static final String BUCKET_ALERT_CANDIDATES = "bucket-alert-candidates";
    public static final String ALERTS = "alerts";

    /** Counts events for the progress line of local file replays (local runs only). */
    public static final String LOCAL_PROGRESS = "local-progress";

    /** Drops alert candidates that no policy can match, before the alert keyBy. */
    public static final String ALERT_PREFILTER = "alert-prefilter";

    public static final String ALERTS_JSON = "alerts-json";
    public static final String ALERT_MESSAGES = "alert-messages";

    private OperatorUids() {}
}
