package dev.forestwatch.connectors.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.connectors.testutil.DynamoDbLocal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

class CutoffTableReaderTest {

    private static DynamoDbLocal local;
    private static DynamoDbClient ddb;

    @BeforeAll
    static void startDynamoDb() {
        local = new DynamoDbLocal();
        ddb = local.client();
    }

    @AfterAll
    static void stopDynamoDb() throws Exception {
        local.close();
    }

    @Test
    void latestIsTheNewestRowOfThatDataKindOnly() {
        String table = "anomaly_cut_off";
        CutoffTableReader.createTableIfMissing(ddb, table);
        // The seed's weekly job writes only the key and score_cutoff, via the plain SDK.
        putSeedRow(table, "taxi_ridership", "20240101000000", "1.31462299965");
        put(
                table,
                CutoffItem.meanPlusKSigma(
                        "taxi_ridership", millis("20231225000000"), 3, 1, 0.1, 9));
        put(
                table,
                CutoffItem.meanPlusKSigma(
                        "taxi_ridership", millis("20240108000000"), 3, 1, 0.2, 9));
        // Other kinds, newer than every taxi row: the key condition must keep them out.
        put(table, CutoffItem.meanPlusKSigma("cpu_load", millis("20250101000000"), 3, 5, 1, 9));
        putSeedRow(table, "taxi_ridershi", "20250101000000", "7");
        // Beyond the seed's upper bound of update_time, so ignored by its query.
        putSeedRow(table, "taxi_ridership", "99991231235959", "99");

        CutoffItem latest = CutoffTableReader.latest(ddb, table, "taxi_ridership").orElseThrow();

        assertThat(latest.updateTime()).isEqualTo("20240108000000");
        assertThat(latest.scoreCutoff()).isEqualTo(1 + 3 * 0.2);
        assertThat(latest.method()).isEqualTo(CutoffItem.METHOD_MEAN_PLUS_K_SIGMA);
        assertThat(CutoffTableReader.latest(ddb, table, "unknown_kind")).isEmpty();

        Map<String, CutoffItem> byKind =
                CutoffTableReader.latest(
                        ddb, table, List.of("cpu_load", "unknown_kind", "taxi_ridership"));
        assertThat(byKind).containsOnlyKeys("cpu_load", "taxi_ridership");
        assertThat(byKind.keySet()).containsExactly("cpu_load", "taxi_ridership");
        assertThat(byKind.get("cpu_load").scoreCutoff()).isEqualTo(8.0);
        assertThat(byKind.get("taxi_ridership")).isEqualTo(latest);
    }

    @Test
    void readsTheSeedsMinimalRowAsTheLatest() {
        String table = "seed_rows";
        CutoffTableReader.createTableIfMissing(ddb, table);
        putSeedRow(table, "taxi_ridership", "20231201000000", "1.2");
        putSeedRow(table, "taxi_ridership", "20240101000000", "1.31462299965");

        CutoffItem latest = CutoffTableReader.latest(ddb, table, "taxi_ridership").orElseThrow();

        assertThat(latest.scoreCutoff()).isEqualTo(1.31462299965);
        assertThat(latest.updateTime()).isEqualTo("20240101000000");
        assertThat(latest.method()).isEqualTo("external");
        assertThat(latest.mean()).isNaN();
        assertThat(latest.stddev()).isNaN();
        assertThat(latest.sampleCount()).isZero();
        assertThat(latest.computedAtMillis()).isEqualTo(millis("20240101000000"));
    }

    @Test
    void createTableIfMissingIsIdempotentAndUsesTheSeedsKeySchema() {
        String table = "created_twice";
        CutoffTableReader.createTableIfMissing(ddb, table);
        putSeedRow(table, "taxi_ridership", "20240101000000", "1.5");
        CutoffTableReader.createTableIfMissing(ddb, table);

        TableDescription description = ddb.describeTable(b -> b.tableName(table)).table();
        assertThat(description.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(description.keySchema())
                .containsExactly(
                        KeySchemaElement.builder()
                                .attributeName("data_kind")
                                .keyType(KeyType.HASH)
                                .build(),
                        KeySchemaElement.builder()
                                .attributeName("update_time")
                                .keyType(KeyType.RANGE)
                                .build());
        assertThat(description.attributeDefinitions())
                .allSatisfy(a -> assertThat(a.attributeType()).isEqualTo(ScalarAttributeType.S));
        assertThat(description.billingModeSummary().billingMode())
                .isEqualTo(BillingMode.PAY_PER_REQUEST);
        // The second call kept the data.
        assertThat(CutoffTableReader.latest(ddb, table, "taxi_ridership")).isPresent();
    }

    @Test
    void refusesAnExistingTableWithAnotherKeySchema() {
        String table = "wrong_keys";
        ddb.createTable(
                b ->
                        b.tableName(table)
                                .keySchema(k -> k.attributeName("data_kind").keyType(KeyType.HASH))
                                .attributeDefinitions(
                                        a ->
                                                a.attributeName("data_kind")
                                                        .attributeType(ScalarAttributeType.S))
                                .billingMode(BillingMode.PAY_PER_REQUEST));

        assertThatThrownBy(() -> CutoffTableReader.createTableIfMissing(ddb, table))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wrong_keys");
    }

    @Test
    void specClientReachesTheSameServer() {
        String table = "via_spec_client";
        try (DynamoDbClient client = local.tableSpec(table).createClient()) {
            CutoffTableReader.createTableIfMissing(client, table);
            put(table, CutoffItem.meanPlusKSigma("k", 0L, 3, 1, 1, 2));
        }
        assertThat(CutoffTableReader.latest(ddb, table, "k")).isPresent();
    }

    private static void putSeedRow(
            String table, String dataKind, String updateTime, String scoreCutoff) {
        ddb.putItem(
                b ->
                        b.tableName(table)
                                .item(
                                        Map.of(
                                                "data_kind", AttributeValue.fromS(dataKind),
                                                "update_time", AttributeValue.fromS(updateTime),
                                                "score_cutoff",
                                                        AttributeValue.fromN(scoreCutoff))));
    }

    private static void put(String table, CutoffItem item) {
        ddb.putItem(b -> b.tableName(table).item(CutoffTableSchema.toItem(item)));
    }

    private static long millis(String updateTime) {
        return CutoffItem.epochMillisOf(updateTime);
    }
}
