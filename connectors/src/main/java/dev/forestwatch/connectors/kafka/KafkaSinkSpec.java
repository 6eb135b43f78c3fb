package dev.forestwatch.connectors.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Settings of a Kafka sink, validated on construction.
 *
 * <p>A {@code null} {@code deliveryGuarantee} means {@link DeliveryGuarantee#EXACTLY_ONCE}, a
 * {@code null} {@code transactionTimeout} means {@link #DEFAULT_TRANSACTION_TIMEOUT}, and a {@code
 * null} {@code properties} means none.
 *
 * <p>With exactly-once, records become visible to {@code read_committed} consumers only when the
 * checkpoint that covers them completes, so the checkpoint interval is the output latency. The
 * transaction timeout must exceed the longest expected checkpoint duration plus restart time (a
 * transaction that times out is aborted by the broker and its records are lost), and it must be
 * below the broker's {@code transaction.max.timeout.ms}, which is 15 min by default; otherwise the
 * producer is rejected at start-up. If your brokers allow more, say so with the {@value
 * #BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY} property.
 *
 * @param bootstrapServers comma-separated {@code host:port} list
 * @param topic the topic written to
 * @param deliveryGuarantee NONE, AT_LEAST_ONCE or EXACTLY_ONCE
 * @param transactionalIdPrefix required for EXACTLY_ONCE; must be stable across restarts of the
 *     same job (lingering transactions are found and aborted by it) and unique per job and sink
 * @param transactionTimeout the producer's {@code transaction.timeout.ms}
 * @param properties passed verbatim to the Kafka producer (SASL, TLS, compression, ...), except
 *     {@value #BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY}, which only informs validation
 */
public record KafkaSinkSpec(
        String bootstrapServers,
        String topic,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Map<String, String> properties)
        implements Serializable {

    /** Default producer transaction timeout, safely below the broker's default maximum. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    /** The broker-side default of {@code transaction.max.timeout.ms}. */
    public static final Duration DEFAULT_BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /**
     * Property (in milliseconds) declaring that the brokers' {@code transaction.max.timeout.ms} is
     * not the default 15 min; it is not passed to the producer.
     */
    public static final String BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY =
            "forestwatch.broker.transaction.max.timeout.ms";

    /** Validates and normalises the settings. */
    public KafkaSinkSpec {
        SpecChecks.requireNonBlank(bootstrapServers, "bootstrapServers");
        SpecChecks.requireNonBlank(topic, "topic");
        if (deliveryGuarantee == null) {
            deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;
        }
        if (transactionalIdPrefix != null && transactionalIdPrefix.isBlank()) {
            transactionalIdPrefix = null;
        }
        if (transactionTimeout == null) {
            transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
        }
        properties = SpecChecks.copyProperties(properties, "properties");
        SpecChecks.rejectConflict(
                properties, "bootstrap.servers", bootstrapServers, "bootstrapServers");
        if (properties.containsKey("transaction.timeout.ms")) {
            throw new IllegalArgumentException(
                    "properties.transaction.timeout.ms is not allowed; set transactionTimeout"
                            + " instead, so that it can be checked against the broker maximum");
        }
        if (properties.containsKey("transactional.id")) {
            throw new IllegalArgumentException(
                    "properties.transactional.id is not allowed; the sink derives one per subtask"
                            + " from transactionalIdPrefix");
        }
        if (transactionTimeout.isNegative()
                || transactionTimeout.isZero()
                || transactionTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "transactionTimeout (transaction.timeout.ms) must be positive and fit in an"
                            + " int of milliseconds, got "
                            + transactionTimeout);
        }
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            if (transactionalIdPrefix == null) {
                throw new IllegalArgumentException(
                        "transactionalIdPrefix is required when deliveryGuarantee is EXACTLY_ONCE");
            }
            Duration brokerMax = brokerMaxTransactionTimeout(properties);
            if (transactionTimeout.compareTo(brokerMax) >= 0) {
                throw new IllegalArgumentException(
                        "transactionTimeout (transaction.timeout.ms) is "
                                + transactionTimeout.toMillis()
                                + " ms but must be below the broker's transaction.max.timeout.ms ("
                                + brokerMax.toMillis()
                                + " ms), or the producer is rejected; if the brokers allow more,"
                                + " set property "
                                + BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY);
            }
        }
    }

    /** An exactly-once spec with the default transaction timeout and no extra properties. */
    public static KafkaSinkSpec exactlyOnce(
            String bootstrapServers, String topic, String transactionalIdPrefix) {
        return new KafkaSinkSpec(
                bootstrapServers,
                topic,
                DeliveryGuarantee.EXACTLY_ONCE,
                transactionalIdPrefix,
                null,
                null);
    }

    /** An at-least-once spec (flushes on every checkpoint, no transactions). */
    public static KafkaSinkSpec atLeastOnce(String bootstrapServers, String topic) {
        return new KafkaSinkSpec(
                bootstrapServers, topic, DeliveryGuarantee.AT_LEAST_ONCE, null, null, null);
    }

    /** A copy with another transaction timeout. */
    public KafkaSinkSpec withTransactionTimeout(Duration timeout) {
        return new KafkaSinkSpec(
                bootstrapServers,
                topic,
                deliveryGuarantee,
                transactionalIdPrefix,
                timeout,
                properties);
    }

    /** A copy with other pass-through producer properties. */
    public KafkaSinkSpec withProperties(Map<String, String> producerProperties) {
        return new KafkaSinkSpec(
                bootstrapServers,
                topic,
                deliveryGuarantee,
                transactionalIdPrefix,
                transactionTimeout,
                producerProperties);
    }

    /** The properties to hand to the producer: all but the validation-only ones. */
    Map<String, String> producerProperties() {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.remove(BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY);
        return copy;
    }

    private static Duration brokerMaxTransactionTimeout(Map<String, String> properties) {
        String declared = properties.get(BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY);
        if (declared == null) {
            return DEFAULT_BROKER_MAX_TRANSACTION_TIMEOUT;
        }
        try {
            return Duration.ofMillis(Long.parseLong(declared.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "properties."
                            + BROKER_MAX_TRANSACTION_TIMEOUT_PROPERTY
                            + " must be a number of milliseconds, got '"
                            + declared
                            + "'",
                    e);
        }
    }
}
