package dev.forestwatch.job.config;

import dev.forestwatch.connectors.dynamodb.DynamoDbTableSpec;
import java.io.Serializable;

/**
 * The DynamoDB cutoff table ({@code anomaly_cut_off} in the seed).
 *
 * @param table connection and table name
 * @param readOnStart read the newest cutoff per data kind at start and use it until the job's own
 *     first recomputation
 * @param createIfMissing create the table (seed key schema) when it does not exist
 */
public record CutoffTableSpec(DynamoDbTableSpec table, boolean readOnStart, boolean createIfMissing)
        implements Serializable {}
