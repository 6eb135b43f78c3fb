package dev.forestwatch.connectors.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class CutoffTableSchemaTest {

    private static final CutoffItem FULL =
            new CutoffItem(
                    "taxi_ridership",
                    "20240108000000",
                    1.31462299965,
                    CutoffItem.METHOD_MEAN_PLUS_K_SIGMA,
                    3.0,
                    0.9,
                    0.13820766655,
                    10_320L,
                    1_704_672_000_000L);

    @Test
    void converterWritesAPutOfAllAttributesWithSeedTypes() {
        DynamoDbWriteRequest request = new CutoffItemElementConverter().apply(FULL, null);

        assertThat(request.getType()).isEqualTo(DynamoDbWriteRequestType.PUT);
        Map<String, AttributeValue> item = request.getItem();
        assertThat(item.get("data_kind")).isEqualTo(AttributeValue.fromS("taxi_ridership"));
        assertThat(item.get("update_time")).isEqualTo(AttributeValue.fromS("20240108000000"));
        assertThat(item.get("score_cutoff")).isEqualTo(AttributeValue.fromN("1.31462299965"));
        assertThat(item.get("method")).isEqualTo(AttributeValue.fromS("mean_plus_k_sigma"));
        assertThat(item.get("k")).isEqualTo(AttributeValue.fromN("3"));
        assertThat(item.get("mean")).isEqualTo(AttributeValue.fromN("0.9"));
        assertThat(item.get("stddev")).isEqualTo(AttributeValue.fromN("0.13820766655"));
        assertThat(item.get("sample_count")).isEqualTo(AttributeValue.fromN("10320"));
        assertThat(item.get("computed_at")).isEqualTo(AttributeValue.fromN("1704672000000"));
        assertThat(item).hasSize(9);
        assertThat(CutoffTableSchema.fromItem(item)).isEqualTo(FULL);
    }

    @Test
    void nonFiniteDoublesAreLeftOut() {
        CutoffItem item =
                new CutoffItem(
                        "k",
                        "20240101000000",
                        2.0,
                        CutoffItem.METHOD_QUANTILE,
                        0.99,
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        0,
                        0);

        Map<String, AttributeValue> written = CutoffTableSchema.toItem(item);

        assertThat(written).doesNotContainKeys("mean", "stddev").containsKeys("score_cutoff", "k");
        CutoffItem read = CutoffTableSchema.fromItem(written);
        assertThat(read.mean()).isNaN();
        assertThat(read.stddev()).isNaN();
    }

    @Test
    void numbersArePlainDecimals() {
        assertThat(CutoffTableSchema.plainNumber(1.31462299965)).contains("1.31462299965");
        assertThat(CutoffTableSchema.plainNumber(1.2345678e-7)).contains("0.00000012345678");
        assertThat(CutoffTableSchema.plainNumber(1e20)).contains("100000000000000000000");
        assertThat(CutoffTableSchema.plainNumber(-250.0)).contains("-250");
        assertThat(CutoffTableSchema.plainNumber(-0.0)).contains("0");
        // Finite but outside DynamoDB's number range: not writable either.
        assertThat(CutoffTableSchema.plainNumber(1e200)).isEmpty();
        assertThat(CutoffTableSchema.plainNumber(Double.MIN_VALUE)).isEmpty();
        assertThat(CutoffTableSchema.plainNumber(Double.NaN)).isEmpty();
        assertThat(CutoffTableSchema.plainNumber(Double.NEGATIVE_INFINITY)).isEmpty();
    }

    @Test
    void readsTheSeedsMinimalRow() {
        Map<String, AttributeValue> seedRow =
                Map.of(
                        "data_kind", AttributeValue.fromS("taxi_ridership"),
                        "update_time", AttributeValue.fromS("20240101000000"),
                        "score_cutoff", AttributeValue.fromN("1.31462299965"));

        CutoffItem item = CutoffTableSchema.fromItem(seedRow);

        assertThat(item.dataKind()).isEqualTo("taxi_ridership");
        assertThat(item.updateTime()).isEqualTo("20240101000000");
        assertThat(item.scoreCutoff()).isEqualTo(1.31462299965);
        assertThat(item.method()).isEqualTo(CutoffItem.METHOD_EXTERNAL);
        assertThat(item.k()).isNaN();
        assertThat(item.mean()).isNaN();
        assertThat(item.stddev()).isNaN();
        assertThat(item.sampleCount()).isZero();
        assertThat(item.computedAtMillis()).isEqualTo(1_704_067_200_000L);
    }

    @Test
    void missingKeysAreRejectedBeforeTheWrite() {
        CutoffItem noKind = new CutoffItem(null, "20240101000000", 1, "quantile", 0.9, 0, 0, 0, 0);

        assertThatThrownBy(() -> CutoffTableSchema.toItem(noKind))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data_kind");
    }
}
