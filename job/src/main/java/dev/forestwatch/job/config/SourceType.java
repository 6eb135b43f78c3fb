package dev.forestwatch.job.config;

/** The kinds of event source a spec can name. */
public enum SourceType {
    /** Bounded replay of CSV or JSON Lines files. */
    FILE,
    /** The reproducible synthetic metrics generator. */
    DATAGEN
}
