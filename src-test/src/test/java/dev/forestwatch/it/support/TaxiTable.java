package dev.forestwatch.it.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The seed's {@code taxi_ridership} table in DynamoDB Local: key {@code transaction_id} (S), a
 * stream with new and old images, items with {@code ridecount} stored as a string (as the seed's
 * loader did) and a {@code timestamp} attribute {@code yyyy-MM-dd HH:mm:ss}.
 */
public final class TaxiTable {
    /** The seed's timestamp format, UTC. */
    public static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final DynamoDbClient client;
    private final String table;

    private TaxiTable(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** Creates the table with a NEW_AND_OLD_IMAGES stream and waits until it is active. */
    public static TaxiTable create(DynamoDbClient client, String table) {
        client.createTable(
                b ->
                        b.tableName(table)
                                .keySchema(
                                        KeySchemaElement.builder()
                                                .attributeName("transaction_id")
                                                .keyType(KeyType.HASH)
                                                .build())
                                .attributeDefinitions(
                                        AttributeDefinition.builder()
                                                .attributeName("transaction_id")
                                                .attributeType(ScalarAttributeType.S)
                                                .build())
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .streamSpecification(
                                        s ->
                                                s.streamEnabled(true)
                                                        .streamViewType(
                                                                StreamViewType
                                                                        .NEW_AND_OLD_IMAGES)));
        client.waiter().waitUntilTableExists(b -> b.tableName(table));
        return new TaxiTable(client, table);
    }

    /** Puts (inserts or replaces) one item, all three attributes as strings. */
    public void put(String transactionId, String ridecount, Instant timestamp) {
        client.putItem(
                b ->
                        b.tableName(table)
                                .item(
                                        Map.of(
                                                "transaction_id",
                                                AttributeValue.fromS(transactionId),
                                                "ridecount",
                                                AttributeValue.fromS(ridecount),
                                                "timestamp",
                                                AttributeValue.fromS(
                                                        TIMESTAMP.format(timestamp)))));
    }

    /** Deletes one item. */
    public void delete(String transactionId) {
        client.deleteItem(
                b ->
                        b.tableName(table)
                                .key(
                                        Map.of(
                                                "transaction_id",
                                                AttributeValue.fromS(transactionId))));
    }
}
