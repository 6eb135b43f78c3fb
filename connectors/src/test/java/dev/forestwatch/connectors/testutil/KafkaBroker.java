package dev.forestwatch.connectors.testutil;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

/**
 * A single-node Kafka (KRaft, combined broker and controller) running inside the test JVM.
 *
 * <p>No Docker needed; a broker starts in about 3 s in a cold JVM and well under 1 s after that.
 * Broker defaults are kept where they matter to production code, in particular {@code
 * transaction.max.timeout.ms} (15 min). Internal topics have one replica and one partition so that
 * transactions and consumer groups work on a single node.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *     kafka.createTopic("in", 2);
 *     kafka.produce("in", null, "{}".getBytes(UTF_8));
 *     List<ConsumerRecord<byte[], byte[]>> out = kafka.readCommitted("out", 100, ofSeconds(10));
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;

    private KafkaBroker(Path dir, KafkaRaftServer server, String bootstrapServers) {
        this.dir = dir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats a fresh temporary log directory and starts the node on free local ports.
     *
     * <p>The free ports are probed and then released, so another process may grab one before the
     * broker binds it; start-up is therefore retried a few times with new ports.
     */
    public static KafkaBroker start() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            Path dir;
            try {
                dir = Files.createTempDirectory("kraft");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                return startIn(dir);
            } catch (RuntimeException e) {
                last = e;
                deleteQuietly(dir);
            }
        }
        throw new IllegalStateException("Kafka broker did not start", last);
    }

    private static KafkaBroker startIn(Path dir) {
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://localhost:"
                        + brokerPort
                        + ",CONTROLLER://localhost:"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly by tests; a typo should not silently create one.
        p.put("auto.create.topics.enable", "false");

        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // StorageTool.execute returns an exit code instead of calling System.exit.
        int rc =
                StorageTool.execute(
                        new String[] {
                            "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()
                        },
                        new PrintStream(OutputStream.nullOutputStream()));
        if (rc != 0) {
            throw new IllegalStateException("Formatting the KRaft log dir failed with " + rc);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutdown(server);
            throw e;
        }
        return new KafkaBroker(dir, server, "localhost:" + brokerPort);
    }

    /** The {@code bootstrap.servers} value of this broker. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates a topic with a single replica and waits until the broker knows it. */
    public void createTopic(String name, int partitions) {
        await(admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all());
    }

    /** Commits offsets for a consumer group (without any member), e.g. to test resuming. */
    public void commitOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> committed =
                offsets.entrySet().stream()
                        .collect(
                                Collectors.toMap(
                                        Map.Entry::getKey,
                                        e -> new OffsetAndMetadata(e.getValue())));
        await(admin().alterConsumerGroupOffsets(groupId, committed).all());
    }

    /** Writes one record to a partition chosen by the key (or spread when the key is null). */
    public RecordMetadata produce(String topic, byte[] key, byte[] value) {
        return produce(new ProducerRecord<>(topic, key, value));
    }

    /** Writes one record (explicit partition, timestamp, headers allowed) and waits for the ack. */
    public RecordMetadata produce(ProducerRecord<byte[], byte[]> record) {
        return await(producer().send(record));
    }

    /**
     * Every committed record of a topic, in offset order per partition.
     *
     * <p>Reads each partition up to its last stable offset as of this call, with {@code
     * isolation.level=read_committed}: records of aborted transactions are skipped, and the read
     * stops before the first still-open transaction.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, CLIENT_TIMEOUT);
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, endOffsets are the last stable offsets.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, CLIENT_TIMEOUT);
            long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading " + topic + " up to " + end);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            // Records past the end offsets can only come from later commits; drop them so that
            // the result is a consistent snapshot.
            records.removeIf(
                    r -> r.offset() >= end.get(new TopicPartition(r.topic(), r.partition())));
            return records;
        }
    }

    /**
     * Committed records of a topic, re-read until there are at least {@code expectedCount} or the
     * timeout passes; returns everything committed at the last read (possibly more or fewer).
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String topic, int expectedCount, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> records = readCommitted(topic);
            if (records.size() >= expectedCount || System.nanoTime() > deadline) {
                return records;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return records;
            }
        }
    }

    /** Stops the clients and the node and deletes its log directory. */
    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        shutdown(server);
        deleteQuietly(dir);
    }

    private Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            admin = Admin.create(props);
        }
        return admin;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            // Tests rely on produce() order, so no reordering on retries.
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            producer =
                    new KafkaProducer<>(
                            props, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), CLIENT_TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + CLIENT_TIMEOUT, e);
        }
    }

    private static void shutdown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            // A leftover temp dir must not fail the test that used the broker.
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
