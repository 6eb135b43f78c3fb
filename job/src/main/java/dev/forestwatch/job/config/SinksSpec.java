package dev.forestwatch.job.config;

import java.io.Serializable;

/**
 * Where results go in this version: JSON Lines files and the console.
 *
 * @param filesDir directory for {@code records.jsonl}, {@code buckets.jsonl} and {@code
 *     dead-letters.jsonl}, or {@code null}; {@code --output} overrides it
 * @param consoleSummary whether a local run prints a summary of the top anomalies at the end
 * @param consoleTop how many records the summary lists
 * @param cutoffTable the DynamoDB cutoff table, or null
 * @param kafka the Kafka outputs, or null
 */
public record SinksSpec(
        String filesDir,
        boolean consoleSummary,
        int consoleTop,
        CutoffTableSpec cutoffTable,
        KafkaSinksSpec kafka)
        implements Serializable {}
