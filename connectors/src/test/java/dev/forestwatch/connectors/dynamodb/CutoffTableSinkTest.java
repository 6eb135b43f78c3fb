package dev.forestwatch.connectors.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.testutil.DynamoDbLocal;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

class CutoffTableSinkTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String TAXI = "taxi_ridership";
    private static final String CPU = "cpu_load";

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
    void writesCutoffsTheSeedsQueryFinds() throws Exception {
        String table = "anomaly_cut_off";
        CutoffTableReader.createTableIfMissing(ddb, table);
        long week1 = CutoffItem.epochMillisOf("20240101000000");
        long week2 = CutoffItem.epochMillisOf("20240108000000");
        CutoffItem taxiOld = CutoffItem.meanPlusKSigma(TAXI, week1, 3, 0.9, 0.1, 1000);
        // Same key as the next one: written earlier, so it must lose.
        CutoffItem taxiNewFirst = CutoffItem.meanPlusKSigma(TAXI, week2, 3, 0.9, 0.5, 1500);
        CutoffItem taxiNew = CutoffItem.meanPlusKSigma(TAXI, week2, 3, 0.9, 0.13820766655, 2000);
        CutoffItem cpuTiny =
                new CutoffItem(
                        CPU,
                        "20240101000000",
                        1.2345678e-7,
                        CutoffItem.METHOD_QUANTILE,
                        0.995,
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        0,
                        week1);
        CutoffItem cpuHuge =
                new CutoffItem(
                        CPU,
                        "20240108000000",
                        1e20,
                        CutoffItem.METHOD_QUANTILE,
                        0.995,
                        3.5e19,
                        1e19,
                        7,
                        week2);

        StreamExecutionEnvironment env = environment();
        env.fromData(taxiOld, cpuTiny, taxiNewFirst, cpuHuge, taxiNew)
                .keyBy(CutoffItem::dataKind, Types.STRING)
                .sinkTo(CutoffTableSink.create(local.tableSpec(table)));
        env.execute("cutoff sink");

        Map<String, AttributeValue> taxi = seedQuery(table, TAXI);
        assertThat(taxi.get("data_kind").s()).isEqualTo(TAXI);
        assertThat(taxi.get("update_time").s()).isEqualTo("20240108000000");
        assertThat(taxi.get("score_cutoff").n()).isEqualTo(plain(0.9 + 3 * 0.13820766655));
        assertThat(taxi.get("method").s()).isEqualTo("mean_plus_k_sigma");
        assertThat(taxi.get("k").n()).isEqualTo("3");
        assertThat(taxi.get("mean").n()).isEqualTo("0.9");
        assertThat(taxi.get("stddev").n()).isEqualTo("0.13820766655");
        assertThat(taxi.get("sample_count").n()).isEqualTo("2000");
        assertThat(taxi.get("computed_at").n()).isEqualTo(Long.toString(week2));
        assertThat(taxi).hasSize(9);
        assertThat(CutoffTableSchema.fromItem(taxi)).isEqualTo(taxiNew);

        Map<String, AttributeValue> cpu = seedQuery(table, CPU);
        assertThat(cpu.get("score_cutoff").n()).isEqualTo("100000000000000000000");
        assertThat(cpu.get("mean").n()).isEqualTo("35000000000000000000");

        Map<String, AttributeValue> cpuOld = getItem(table, CPU, "20240101000000");
        assertThat(cpuOld.get("score_cutoff").n()).isEqualTo("0.00000012345678");
        // NaN mean and infinite stddev are not written at all.
        assertThat(cpuOld).doesNotContainKeys("mean", "stddev").containsKey("k");

        assertThat(ddb.scan(b -> b.tableName(table)).items())
                .hasSize(4)
                .allSatisfy(
                        item ->
                                item.values().stream()
                                        .filter(v -> v.n() != null)
                                        .forEach(
                                                v ->
                                                        assertThat(v.n())
                                                                .doesNotContainIgnoringCase("e")));
    }

    @Test
    void attachDropsNonFiniteCutoffs() throws Exception {
        String table = "attached";
        CutoffTableReader.createTableIfMissing(ddb, table);
        long week1 = CutoffItem.epochMillisOf("20240101000000");
        long week2 = CutoffItem.epochMillisOf("20240108000000");
        CutoffItem good = CutoffItem.meanPlusKSigma(TAXI, week1, 3, 1.0, 0.1, 10);
        // Newer but unusable: storing it would hide the good one from the seed's Limit 1 query.
        CutoffItem broken = CutoffItem.meanPlusKSigma(TAXI, week2, 3, Double.NaN, 0.1, 0);
        CutoffItem other = CutoffItem.meanPlusKSigma(CPU, week2, 3, 2.0, 0.5, 10);

        StreamExecutionEnvironment env = environment();
        CutoffTableSink.attach(
                        env.fromData(good, broken, other), local.tableSpec(table), "cutoff-table")
                .uid("cutoff-sink");
        env.execute("attached cutoff sink");

        assertThat(CutoffTableReader.latest(ddb, table, TAXI)).contains(good);
        assertThat(CutoffTableReader.latest(ddb, table, CPU)).contains(other);
        assertThat(ddb.scan(b -> b.tableName(table)).count()).isEqualTo(2);
    }

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    // Exactly the seed Lambda's query.
    private static Map<String, AttributeValue> seedQuery(String table, String dataKind) {
        List<Map<String, AttributeValue>> items =
                ddb.query(
                                QueryRequest.builder()
                                        .tableName(table)
                                        .keyConditionExpression(
                                                "data_kind = :k AND update_time <= :max")
                                        .expressionAttributeValues(
                                                Map.of(
                                                        ":k", AttributeValue.fromS(dataKind),
                                                        ":max",
                                                                AttributeValue.fromS(
                                                                        "99990000000000")))
                                        .limit(1)
                                        .scanIndexForward(false)
                                        .build())
                        .items();
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static Map<String, AttributeValue> getItem(
            String table, String dataKind, String updateTime) {
        return ddb.getItem(
                        b ->
                                b.tableName(table)
                                        .key(
                                                Map.of(
                                                        "data_kind",
                                                        AttributeValue.fromS(dataKind),
                                                        "update_time",
                                                        AttributeValue.fromS(updateTime))))
                .item();
    }

    private static String plain(double value) {
        return CutoffTableSchema.plainNumber(value).orElseThrow();
    }
}
