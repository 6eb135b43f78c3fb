package dev.forestwatch.connectors.kafka;

import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Builds Flink {@link KafkaSink}s of JSON strings from a {@link KafkaSinkSpec}.
 *
 * <p>The delivery guarantee is always set explicitly (the connector's own default is NONE). With
 * EXACTLY_ONCE each checkpoint commits one Kafka transaction per subtask, so downstream consumers
 * must read with {@code isolation.level=read_committed} and see results once per checkpoint.
 */
public final class KafkaSinks {
    private KafkaSinks() {}

    /**
     * A sink writing each string as a UTF-8 value with the key computed by {@code keyFunction}.
     *
     * @param spec where and how to write
     * @param keyFunction the message key of a value, e.g. {@code JsonMessageKey.field("alert_id")};
     *     {@code null} writes messages without keys
     */
    public static KafkaSink<String> create(KafkaSinkSpec spec, MessageKeyFunction keyFunction) {
        Objects.requireNonNull(spec, "spec");
        Properties props = new Properties();
        props.putAll(spec.producerProperties());
        KafkaSinkBuilder<String> builder =
                KafkaSink.<String>builder()
                        .setKafkaProducerConfig(props)
                        .setBootstrapServers(spec.bootstrapServers())
                        .setDeliveryGuarantee(spec.deliveryGuarantee())
                        .setRecordSerializer(
                                new KeyedStringSerializationSchema(spec.topic(), keyFunction))
                        // Always set: the connector's default of 1 h exceeds the broker's default
                        // maximum of 15 min, which makes transactional producers fail to start.
                        .setProperty(
                                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                                Long.toString(spec.transactionTimeout().toMillis()));
        if (spec.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(spec.transactionalIdPrefix());
        }
        return builder.build();
    }

    /** A sink writing messages without keys. */
    public static KafkaSink<String> create(KafkaSinkSpec spec) {
        return create(spec, null);
    }
}
