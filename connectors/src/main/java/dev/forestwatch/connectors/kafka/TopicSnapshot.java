package dev.forestwatch.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from its beginning up to the end offsets it has when the read starts, committed
 * messages only ({@code read_committed}, so an exactly-once job's aborted transactions are not
 * seen), without a consumer group: for tools that look at what a job has written, such as the
 * report.
 */
public final class TopicSnapshot {
    private TopicSnapshot() {}

    /** Client properties worth passing on from a producer's: security and connection settings. */
    public static Properties clientProperties(String bootstrapServers, Map<String, String> extra) {
        Properties p = new Properties();
        if (extra != null) {
            extra.forEach(
                    (k, v) -> {
                        if (k.startsWith("security.")
                                || k.startsWith("sasl.")
                                || k.startsWith("ssl.")
                                || k.equals("client.dns.lookup")) {
                            p.setProperty(k, v);
                        }
                    });
        }
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.setProperty(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return p;
    }

    /**
     * Passes every message value of {@code topic} (UTF-8) to {@code lines}, partition by partition
     * in offset order; returns the number of messages.
     *
     * @throws IllegalStateException when the topic does not exist or the end is not reached within
     *     {@code timeout}
     */
    public static long read(
            Properties clientProperties, String topic, Consumer<String> lines, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clientProperties)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Kafka topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo i : infos) {
                partitions.add(new TopicPartition(topic, i.partition()));
            }
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            // one partition at a time keeps each partition's messages in order
            for (TopicPartition tp : partitions) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
                while (consumer.position(tp, timeout) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Kafka topic " + topic + ": end not reached within " + timeout);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.value() != null) {
                            lines.accept(new String(r.value(), StandardCharsets.UTF_8));
                            count++;
                        }
                    }
                }
            }
            return count;
        }
    }
}
