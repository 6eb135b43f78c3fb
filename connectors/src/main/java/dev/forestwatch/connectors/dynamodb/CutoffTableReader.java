package dev.forestwatch.connectors.dynamodb;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Reads the current cutoff of a data kind from the {@code anomaly_cut_off} table with plain SDK v2
 * calls, e.g. at job start-up, and creates the table where it does not exist yet (local runs and
 * tests; in AWS the seed's stack owns it).
 */
public final class CutoffTableReader {

    private static final List<KeySchemaElement> KEY_SCHEMA =
            List.of(
                    KeySchemaElement.builder()
                            .attributeName(CutoffTableSchema.DATA_KIND)
                            .keyType(KeyType.HASH)
                            .build(),
                    KeySchemaElement.builder()
                            .attributeName(CutoffTableSchema.UPDATE_TIME)
                            .keyType(KeyType.RANGE)
                            .build());

    // A new on-demand table turns ACTIVE within seconds; the SDK's default waiter polls every
    // 20 s, which would make start-up needlessly slow.
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(5);
    private static final int MAX_POLLS = (int) (CREATE_TIMEOUT.toSeconds() / POLL.toSeconds());

    private CutoffTableReader() {}

    /**
     * The newest cutoff of {@code dataKind}, using exactly the seed Lambda's query: {@code
     * data_kind = :k AND update_time <= "99990000000000"}, newest first, limit 1.
     *
     * @return empty if the table holds no row for {@code dataKind}
     */
    public static Optional<CutoffItem> latest(
            DynamoDbClient client, String tableName, String dataKind) {
        QueryResponse response =
                client.query(
                        QueryRequest.builder()
                                .tableName(tableName)
                                .keyConditionExpression(
                                        CutoffTableSchema.DATA_KIND
                                                + " = :k AND "
                                                + CutoffTableSchema.UPDATE_TIME
                                                + " <= :max")
                                .expressionAttributeValues(
                                        Map.of(
                                                ":k",
                                                AttributeValue.fromS(dataKind),
                                                ":max",
                                                AttributeValue.fromS(
                                                        CutoffTableSchema.MAX_UPDATE_TIME)))
                                .scanIndexForward(false)
                                .limit(1)
                                .build());
        return response.items().stream().findFirst().map(CutoffTableSchema::fromItem);
    }

    /**
     * The newest cutoff of each of {@code dataKinds} (one query each), in the collection's order;
     * kinds without a row are absent from the map.
     */
    public static Map<String, CutoffItem> latest(
            DynamoDbClient client, String tableName, Collection<String> dataKinds) {
        Map<String, CutoffItem> result = new LinkedHashMap<>();
        for (String dataKind : dataKinds) {
            if (!result.containsKey(dataKind)) {
                latest(client, tableName, dataKind).ifPresent(c -> result.put(dataKind, c));
            }
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Creates the table with the seed's key schema ({@code data_kind} HASH S, {@code update_time}
     * RANGE S, on-demand billing) unless it exists, and waits until it is ACTIVE. Safe to call
     * repeatedly and concurrently.
     *
     * @throws IllegalStateException if a table of that name exists with a different key schema,
     *     which the seed's query could not use
     */
    public static void createTableIfMissing(DynamoDbClient client, String tableName) {
        Optional<TableDescription> existing = describe(client, tableName);
        boolean raced = false;
        if (existing.isPresent()) {
            requireSeedKeySchema(existing.get());
            if (existing.get().tableStatus() == TableStatus.ACTIVE) {
                return;
            }
        } else {
            try {
                client.createTable(
                        b ->
                                b.tableName(tableName)
                                        .keySchema(KEY_SCHEMA)
                                        .attributeDefinitions(
                                                stringAttribute(CutoffTableSchema.DATA_KIND),
                                                stringAttribute(CutoffTableSchema.UPDATE_TIME))
                                        .billingMode(BillingMode.PAY_PER_REQUEST));
            } catch (ResourceInUseException e) {
                // Someone else created it between our describe and create: wait for it, then
                // check that it is usable.
                raced = true;
            }
        }
        try (DynamoDbWaiter waiter =
                DynamoDbWaiter.builder()
                        .client(client)
                        .overrideConfiguration(
                                c ->
                                        c.backoffStrategy(FixedDelayBackoffStrategy.create(POLL))
                                                .maxAttempts(MAX_POLLS)
                                                .waitTimeout(CREATE_TIMEOUT))
                        .build()) {
            waiter.waitUntilTableExists(b -> b.tableName(tableName))
                    .matched()
                    .exception()
                    .ifPresent(
                            e -> {
                                throw new IllegalStateException(
                                        "table " + tableName + " did not become ACTIVE", e);
                            });
        }
        if (raced) {
            describe(client, tableName).ifPresent(CutoffTableReader::requireSeedKeySchema);
        }
    }

    private static Optional<TableDescription> describe(DynamoDbClient client, String tableName) {
        try {
            return Optional.of(client.describeTable(b -> b.tableName(tableName)).table());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    private static void requireSeedKeySchema(TableDescription table) {
        // Both keys must be strings too: the seed's query compares update_time as a string.
        boolean keysAreStrings =
                table.attributeDefinitions()
                        .containsAll(
                                List.of(
                                        stringAttribute(CutoffTableSchema.DATA_KIND),
                                        stringAttribute(CutoffTableSchema.UPDATE_TIME)));
        if (!KEY_SCHEMA.equals(table.keySchema()) || !keysAreStrings) {
            throw new IllegalStateException(
                    "table "
                            + table.tableName()
                            + " has key schema "
                            + table.keySchema()
                            + " with attributes "
                            + table.attributeDefinitions()
                            + ", expected data_kind HASH S and update_time RANGE S");
        }
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }
}
