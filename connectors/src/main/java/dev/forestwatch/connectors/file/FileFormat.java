package dev.forestwatch.connectors.file;

/** Layout of a replay file. */
public enum FileFormat {
    /** Comma-separated values with a header line naming the columns. */
    CSV,
    /** One JSON object per line. */
    JSONL
}
