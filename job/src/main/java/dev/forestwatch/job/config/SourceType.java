package dev.forestwatch.job.config;

/** The kinds of event source a spec can name. */
public enum SourceType {
    /** Bounded replay of CSV or JSON Lines files. */
    FILE,
    /** The reproducible synthetic metrics generator. */
    DATAGEN,
    /** JSON events from Kafka topics. */
    KAFKA,
    /** Items of a DynamoDB table, from its stream (INSERT and MODIFY new images). */
    DYNAMODB_STREAMS
}
