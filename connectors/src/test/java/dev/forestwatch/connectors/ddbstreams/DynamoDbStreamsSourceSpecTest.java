package dev.forestwatch.connectors.ddbstreams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.connectors.ddbstreams.DynamoDbStreamsSourceSpec.InitialPosition;
import dev.forestwatch.connectors.dynamodb.DynamoDbTableSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class DynamoDbStreamsSourceSpecTest {

    private static final String ARN =
            "arn:aws:dynamodb:us-east-1:123456789012:table/taxi_ridership/stream/2024-01-01T00:00:00.000";

    private static final DynamoDbTableSpec CONNECTION =
            DynamoDbTableSpec.basic(
                    "taxi_ridership", "us-east-1", "http://localhost:8000", "key", "secret");

    @Test
    void ofTableUsesTheConnectionsTableAndDefaults() {
        DynamoDbStreamsSourceSpec spec = DynamoDbStreamsSourceSpec.ofTable(CONNECTION, null);

        assertThat(spec.tableName()).isEqualTo("taxi_ridership");
        assertThat(spec.streamArn()).isNull();
        assertThat(spec.initialPosition()).isEqualTo(InitialPosition.TRIM_HORIZON);
        assertThat(spec.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(spec.discoveryInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.properties()).isEmpty();
        assertThat(spec.label()).isEqualTo("taxi_ridership");
    }

    @Test
    void labelOfAnArnSpecIsItsTable() {
        DynamoDbStreamsSourceSpec spec =
                DynamoDbStreamsSourceSpec.ofStreamArn(ARN, CONNECTION, InitialPosition.LATEST);

        assertThat(spec.label()).isEqualTo("taxi_ridership");
        assertThat(spec.initialPosition()).isEqualTo(InitialPosition.LATEST);
    }

    @Test
    void requiresExactlyOneOfArnAndTable() {
        assertThatThrownBy(
                        () ->
                                new DynamoDbStreamsSourceSpec(
                                        ARN, "t", null, CONNECTION, null, null, null))
                .hasMessageContaining("Exactly one of streamArn and tableName")
                .hasMessageContaining("both");
        assertThatThrownBy(
                        () ->
                                new DynamoDbStreamsSourceSpec(
                                        " ", null, null, CONNECTION, null, null, null))
                .hasMessageContaining("neither");
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(
                        () ->
                                DynamoDbStreamsSourceSpec.ofStreamArn(
                                        "taxi_ridership", CONNECTION, null))
                .hasMessageContaining("streamArn must look like");
        assertThatThrownBy(() -> DynamoDbStreamsSourceSpec.ofStreamArn(ARN, null, null))
                .hasMessageContaining("connection");
        DynamoDbStreamsSourceSpec spec = DynamoDbStreamsSourceSpec.ofTable(CONNECTION, null);
        assertThatThrownBy(() -> spec.withIntervals(Duration.ZERO, null))
                .hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> spec.withIntervals(null, Duration.ofNanos(10)))
                .hasMessageContaining("discoveryInterval");
        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> spec.withProperties(withNull))
                .hasMessageContaining("null keys or values");
    }

    @Test
    void isSerializableAndCopiesProperties() throws Exception {
        Map<String, String> props =
                new HashMap<>(Map.of("flink.shard.getrecords.maxrecordcount", "500"));
        DynamoDbStreamsSourceSpec spec =
                DynamoDbStreamsSourceSpec.ofTable(CONNECTION, InitialPosition.LATEST)
                        .withIntervals(Duration.ofMillis(200), Duration.ofSeconds(1))
                        .withProperties(props);
        props.put("other", "x");

        assertThat(spec.properties()).containsOnlyKeys("flink.shard.getrecords.maxrecordcount");
        assertThat(InstantiationUtil.clone(spec)).isEqualTo(spec);
    }

    @Test
    void consumerPropertiesCombineConnectionTypedSettingsAndExtras() {
        DynamoDbStreamsSourceSpec spec =
                DynamoDbStreamsSourceSpec.ofTable(CONNECTION, InitialPosition.LATEST)
                        .withIntervals(Duration.ofMillis(250), Duration.ofSeconds(2))
                        .withProperties(
                                Map.of(
                                        "flink.shard.getrecords.maxrecordcount", "500",
                                        // Repeating a typed value is fine.
                                        "aws.region", "us-east-1"));

        Properties props = DynamoDbStreamsSources.consumerProperties(spec);

        assertThat(props)
                .containsEntry("aws.region", "us-east-1")
                .containsEntry("aws.endpoint", "http://localhost:8000")
                .containsEntry("aws.credentials.provider", "BASIC")
                .containsEntry("flink.stream.initpos", "LATEST")
                .containsEntry("flink.shard.getrecords.intervalmillis", "250")
                .containsEntry("flink.shard.discovery.intervalmillis", "2000")
                .containsEntry("flink.shard.getrecords.maxrecordcount", "500");
    }

    @Test
    void consumerPropertiesRejectContradictions() {
        DynamoDbStreamsSourceSpec spec =
                DynamoDbStreamsSourceSpec.ofTable(CONNECTION, InitialPosition.LATEST)
                        .withProperties(Map.of("flink.stream.initpos", "TRIM_HORIZON"));
        assertThatThrownBy(() -> DynamoDbStreamsSources.consumerProperties(spec))
                .hasMessageContaining("properties.flink.stream.initpos (TRIM_HORIZON)")
                .hasMessageContaining("LATEST");

        DynamoDbStreamsSourceSpec secret =
                DynamoDbStreamsSourceSpec.ofTable(CONNECTION, null)
                        .withProperties(
                                Map.of("aws.credentials.provider.basic.secretkey", "other"));
        assertThatThrownBy(() -> DynamoDbStreamsSources.consumerProperties(secret))
                .hasMessageNotContaining("other")
                .hasMessageNotContaining("secret)")
                .hasMessageContaining("****");
    }
}
