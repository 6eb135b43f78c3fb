package dev.forestwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.connectors.kafka.KafkaSourceSpec.StartingOffsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Validation and defaults of {@link KafkaSourceSpec} and {@link KafkaSinkSpec}. */
class KafkaSpecsTest {
    private static final String SERVERS = "localhost:9092";

    @Test
    void sourceNeedsExactlyOneOfTopicsAndPattern() {
        assertThatThrownBy(() -> source(null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topics")
                .hasMessageContaining("topicPattern")
                .hasMessageContaining("neither");
        assertThatThrownBy(() -> source(List.of(), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither");
        assertThatThrownBy(() -> source(List.of("a"), "a.*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both");
        assertThatThrownBy(() -> source(null, "a[("))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topicPattern");
        assertThat(source(List.of("a"), null).topicPattern()).isNull();
        assertThat(source(null, "a.*").topics()).isNull();
    }

    @Test
    void sourceChecksStartingOffsetsAndOtherSettings() {
        assertThat(KafkaSourceSpec.ofTopics(SERVERS, null, List.of("t")).startingOffsets())
                .isEqualTo(StartingOffsets.EARLIEST);
        assertThatThrownBy(
                        () ->
                                KafkaSourceSpec.ofTopics(SERVERS, null, List.of("t"))
                                        .withStartingOffsets(StartingOffsets.COMMITTED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groupId")
                .hasMessageContaining("COMMITTED");
        KafkaSourceSpec spec =
                KafkaSourceSpec.ofTopics(SERVERS, "g", List.of("t")).withStartingOffsets(null);
        assertThat(spec.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
        assertThatThrownBy(() -> spec.withStartingOffsets(StartingOffsets.TIMESTAMP, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startingTimestampMillis");
        assertThatThrownBy(() -> spec.withPartitionDiscoveryInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitionDiscoveryInterval");
        assertThatThrownBy(
                        () ->
                                spec.withPartitionDiscoveryInterval(Duration.ofSeconds(10))
                                        .withProperties(
                                                Map.of("partition.discovery.interval.ms", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitionDiscoveryInterval");
        assertThatThrownBy(() -> spec.withProperties(Map.of("group.id", "other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groupId");
        assertThatThrownBy(() -> spec.withProperties(Map.of("bootstrap.servers", "x:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrapServers");
        assertThatThrownBy(
                        () ->
                                new KafkaSourceSpec(
                                        " ", List.of("t"), null, "g", null, 0, null, false, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrapServers");
    }

    @Test
    void sourceSpecIsSerializableAndCopiesItsCollections() throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("security.protocol", "SASL_SSL"));
        KafkaSourceSpec spec =
                KafkaSourceSpec.ofTopics(SERVERS, "g", List.of("t"))
                        .withProperties(props)
                        .withPartitionDiscoveryInterval(Duration.ofSeconds(30));
        props.put("security.protocol", "PLAINTEXT");

        KafkaSourceSpec copy = InstantiationUtil.clone(spec);

        assertThat(copy).isEqualTo(spec);
        assertThat(copy.properties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(KafkaSources.create(spec).getBoundedness())
                .isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(InstantiationUtil.clone(KafkaSources.create(spec.withBounded(true))))
                .isNotNull();
    }

    @Test
    void sinkDefaultsToExactlyOnceWithATenMinuteTransactionTimeout() throws Exception {
        KafkaSinkSpec spec = new KafkaSinkSpec(SERVERS, "out", null, "job-1", null, null);

        assertThat(spec.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(spec.transactionTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(InstantiationUtil.clone(spec)).isEqualTo(spec);
        assertThat(KafkaSinks.create(spec, JsonMessageKey.field("alert_id"))).isNotNull();
    }

    @Test
    void sinkRejectsATransactionTimeoutAtOrAboveTheBrokerMaximum() {
        KafkaSinkSpec spec = KafkaSinkSpec.exactlyOnce(SERVERS, "out", "job-1");

        assertThatThrownBy(() -> spec.withTransactionTimeout(Duration.ofMinutes(15)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transaction.timeout.ms")
                .hasMessageContaining("transaction.max.timeout.ms")
                .hasMessageContaining(KafkaSinkSpec.BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY);
        assertThatThrownBy(() -> spec.withTransactionTimeout(Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(spec.withTransactionTimeout(Duration.ofMinutes(14)).transactionTimeout())
                .isEqualTo(Duration.ofMinutes(14));
        assertThatThrownBy(() -> spec.withTransactionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactionTimeout");
    }

    @Test
    void aDeclaredBrokerMaximumAllowsLongerTransactions() {
        KafkaSinkSpec spec =
                KafkaSinkSpec.exactlyOnce(SERVERS, "out", "job-1")
                        .withProperties(
                                Map.of(
                                        KafkaSinkSpec.BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY,
                                        Long.toString(Duration.ofHours(2).toMillis()),
                                        "compression.type",
                                        "zstd"))
                        .withTransactionTimeout(Duration.ofHours(1));

        assertThat(spec.transactionTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(spec.producerProperties())
                .containsOnlyKeys("compression.type")
                .containsEntry("compression.type", "zstd");
        assertThatThrownBy(
                        () ->
                                spec.withProperties(
                                        Map.of(
                                                KafkaSinkSpec
                                                        .BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY,
                                                "2h")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(KafkaSinkSpec.BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY);
    }

    @Test
    void sinkChecksTheOtherSettings() {
        assertThatThrownBy(() -> new KafkaSinkSpec(SERVERS, "out", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactionalIdPrefix");
        assertThatThrownBy(() -> new KafkaSinkSpec(SERVERS, "", null, "p", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic");
        assertThatThrownBy(
                        () ->
                                KafkaSinkSpec.exactlyOnce(SERVERS, "out", "p")
                                        .withProperties(Map.of("transaction.timeout.ms", "1000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactionTimeout");
        // Without transactions the timeout is irrelevant, so it is not checked against the broker.
        KafkaSinkSpec atLeastOnce =
                KafkaSinkSpec.atLeastOnce(SERVERS, "out")
                        .withTransactionTimeout(Duration.ofHours(1));
        assertThat(atLeastOnce.transactionalIdPrefix()).isNull();
        assertThat(KafkaSinks.create(atLeastOnce)).isNotNull();
    }

    private static KafkaSourceSpec source(List<String> topics, String pattern) {
        return new KafkaSourceSpec(
                SERVERS, topics, pattern, null, StartingOffsets.EARLIEST, 0, null, false, null);
    }
}
