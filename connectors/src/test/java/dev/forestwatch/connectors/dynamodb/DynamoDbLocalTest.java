package dev.forestwatch.connectors.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.connectors.testutil.DynamoDbLocal;
import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** Checks the shared test helper itself, including the Streams client other tests rely on. */
class DynamoDbLocalTest {

    @Test
    void servesTablesAndStreamsUntilClosed() throws Exception {
        DynamoDbLocal local = new DynamoDbLocal();
        try (local) {
            DynamoDbClient ddb = local.client();
            assertThat(local.endpoint()).isEqualTo("http://localhost:" + local.port());
            assertThat(local.tableSpec("t").endpoint()).isEqualTo(local.endpoint());

            ddb.createTable(
                    b ->
                            b.tableName("events")
                                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                                    .attributeDefinitions(
                                            a ->
                                                    a.attributeName("pk")
                                                            .attributeType(ScalarAttributeType.S))
                                    .billingMode(BillingMode.PAY_PER_REQUEST)
                                    .streamSpecification(
                                            s ->
                                                    s.streamEnabled(true)
                                                            .streamViewType(
                                                                    StreamViewType.NEW_IMAGE)));
            ddb.putItem(b -> b.tableName("events").item(Map.of("pk", AttributeValue.fromS("a"))));

            DynamoDbStreamsClient streams = local.streamsClient();
            String arn =
                    streams.listStreams(b -> b.tableName("events")).streams().get(0).streamArn();
            String shard =
                    streams.describeStream(b -> b.streamArn(arn))
                            .streamDescription()
                            .shards()
                            .get(0)
                            .shardId();
            String iterator =
                    streams.getShardIterator(
                                    b ->
                                            b.streamArn(arn)
                                                    .shardId(shard)
                                                    .shardIteratorType(
                                                            ShardIteratorType.TRIM_HORIZON))
                            .shardIterator();
            List<Record> records = streams.getRecords(b -> b.shardIterator(iterator)).records();
            assertThat(records)
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.eventName()).isEqualTo(OperationType.INSERT);
                                assertThat(r.dynamodb().newImage().get("pk").s()).isEqualTo("a");
                            });
        }

        // Stopped: the port no longer accepts connections (a raw socket, because an SDK client
        // would spend seconds retrying).
        assertThatThrownBy(() -> new Socket("localhost", local.port()).close())
                .isInstanceOf(ConnectException.class);
    }
}
