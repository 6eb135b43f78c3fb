package dev.forestwatch.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Bulk input for the in-process broker (its own {@code produce} waits for every acknowledgement,
 * too slow for tens of thousands of events) and JSON views of what the job wrote.
 */
public final class KafkaIo {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaIo() {}

    /**
     * Creates topics that keep their records forever ({@code retention.ms=-1}), with one replica.
     *
     * <p>The job's Kafka sinks stamp each message with its event time. Test data lies in the past
     * (2014 for the NYC taxi data), and a topic with the default retention of seven days would have
     * the broker delete those messages at its next retention check, some 30 s after start-up.
     */
    public static void createTopics(String bootstrapServers, int partitions, String... topics) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(
                    new NewTopic(topic, partitions, (short) 1)
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));
        }
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("creating topics " + List.of(topics) + " failed", e);
        }
    }

    /**
     * Writes the messages to their partitions of {@code topic}, batched and idempotent (so each
     * partition keeps the list's order), and returns the metadata of each message in list order.
     */
    public static List<RecordMetadata> produceAll(
            String bootstrapServers, String topic, List<LatencyEvents.Message> messages) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        List<Future<RecordMetadata>> futures = new ArrayList<>(messages.size());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (LatencyEvents.Message m : messages) {
                futures.add(
                        producer.send(new ProducerRecord<>(topic, m.partition(), null, m.value())));
            }
            producer.flush();
            List<RecordMetadata> out = new ArrayList<>(futures.size());
            for (Future<RecordMetadata> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("producing to " + topic + " failed", e.getCause());
        }
    }

    /** The value of each record as JSON, in the list's order. */
    public static List<JsonNode> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<JsonNode> out = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add(json(r.value()));
        }
        return out;
    }

    /** The key of a record as UTF-8 text, or {@code null}. */
    public static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** Parses a JSON value. */
    public static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
