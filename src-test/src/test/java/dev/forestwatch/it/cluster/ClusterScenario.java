package dev.forestwatch.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.connectors.testutil.KafkaBroker;
import dev.forestwatch.it.support.KafkaIo;
import dev.forestwatch.it.support.LatencyEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the cluster scenarios share: the job spec (Kafka in, every output to Kafka with exactly
 * once), the input ({@link LatencyEvents} spread over four partitions and cut into phases), the
 * expected number of records, and reading and comparing committed outputs.
 */
final class ClusterScenario {
    /** Every output of the job, by its Kafka topic suffix. */
    static final List<String> OUTPUTS =
            List.of(
                    "records",
                    "influencers",
                    "buckets",
                    "renormalized",
                    "alerts",
                    "cutoffs",
                    "dead-letters");

    /**
     * Input partitions: at least the highest parallelism used (3), so that no source subtask is
     * left without a partition (a Kafka source subtask without partitions holds the watermark back
     * until the idleness timeout).
     */
    static final int PARTITIONS = 4;

    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private ClusterScenario() {}

    /** The shaded job jar built by the {@code job} module ({@code -Dcluster.jar}). */
    static Path clusterJar() {
        String jar = System.getProperty("cluster.jar");
        assertThat(jar).as("system property cluster.jar (set by the cluster profile)").isNotNull();
        Path path = Path.of(jar);
        assertThat(path)
                .as("the job's cluster jar; build the reactor (mvn -Pcluster verify from the root)")
                .isRegularFile();
        return path;
    }

    /**
     * Writes the spec of one run: input topic {@code <run>.in}, outputs {@code <run>.<output>},
     * transactional ids {@code cluster-<run>-<output>}. Every run uses the same {@code job_id}, so
     * result ids are comparable across runs.
     */
    static Path writeSpec(Path dir, String bootstrapServers, String run) throws IOException {
        StringBuilder topics = new StringBuilder();
        for (String output : OUTPUTS) {
            topics.append("      ")
                    .append(output.replace('-', '_'))
                    .append(": ")
                    .append(topic(run, output))
                    .append('\n');
        }
        String yaml =
                """
                job_id: cluster
                source:
                  type: kafka
                  kafka:
                    bootstrap_servers: %1$s
                    topics: [%2$s]
                    starting_offsets: earliest
                event:
                  timestamp_field: timestamp
                  max_out_of_orderness: 30s
                  # Input arrives in phases with pauses between them (stops, restarts): no
                  # partition may be declared idle in a pause, or the others would run ahead.
                  idleness: 1h
                analysis:
                  bucket_span: 15m
                  detectors:
                    - function: mean
                      field_name: responsetime
                      by_field_name: service
                  influencers: [service]
                model:
                  trees: 30
                  sample_size: 128
                scoring:
                  cutoff:
                    interval: 6h
                    history: 2d
                    min_samples: 50
                alerting:
                  policies:
                    - name: critical-buckets
                      mode: score
                      level: bucket
                      min_score: 75
                sinks:
                  kafka:
                    bootstrap_servers: %1$s
                    delivery_guarantee: exactly_once
                    transactional_id_prefix: cluster-%3$s
                    transaction_timeout: 5m
                    topics:
                %4$s"""
                        .formatted(bootstrapServers, topic(run, "in"), run, topics);
        Files.createDirectories(dir);
        Path spec = dir.resolve(run + ".yaml");
        Files.writeString(spec, yaml);
        return spec;
    }

    static String topic(String run, String output) {
        return run + "." + output;
    }

    /** Creates the input topic ({@link #PARTITIONS} partitions) and the output topics of a run. */
    static void createTopics(KafkaBroker kafka, String run) {
        KafkaIo.createTopics(kafka.bootstrapServers(), PARTITIONS, topic(run, "in"));
        KafkaIo.createTopics(
                kafka.bootstrapServers(),
                1,
                OUTPUTS.stream().map(o -> topic(run, o)).toArray(String[]::new));
    }

    /**
     * The {@link LatencyEvents} messages, each service on its own partition ({@code index % 4}),
     * cut into phases at the given event times (each a multiple of the bucket span): phase {@code
     * i} holds the events before {@code bounds[i]} and at or after {@code bounds[i-1]}; bad
     * messages stay with the events they were written among.
     */
    static List<List<LatencyEvents.Message>> phases(Instant... bounds) {
        List<List<LatencyEvents.Message>> phases = new ArrayList<>();
        for (int i = 0; i <= bounds.length; i++) {
            phases.add(new ArrayList<>());
        }
        int phase = 0;
        for (LatencyEvents.Message m : LatencyEvents.messages()) {
            LatencyEvents.Message out = m;
            if (!m.malformed()) {
                JsonNode event = KafkaIo.json(m.value());
                Instant t = Instant.parse(event.path("timestamp").asText());
                while (phase < bounds.length && !t.isBefore(bounds[phase])) {
                    phase++;
                }
                int service =
                        List.of(LatencyEvents.SERVICES).indexOf(event.path("service").asText());
                out = new LatencyEvents.Message(service % PARTITIONS, m.value(), null);
            }
            phases.get(phase).add(out);
        }
        return phases;
    }

    /** All input in one phase. */
    static List<LatencyEvents.Message> allInput() {
        return phases().get(0);
    }

    /**
     * Records committed once the input up to {@code end} is processed: one per service for each
     * bucket the watermark ({@code end} - 1 min - 30 s) has passed; the bucket ending at {@code
     * end} stays open.
     */
    static int recordsBefore(Instant end) {
        long buckets =
                Duration.between(LatencyEvents.START, end).toMillis()
                        / LatencyEvents.BUCKET_SPAN.toMillis();
        return (int) (LatencyEvents.SERVICES.length * (buckets - 1));
    }

    /** Records of a complete run (the last stop drains: every bucket is closed). */
    static int allRecords() {
        return LatencyEvents.SERVICES.length * LatencyEvents.buckets();
    }

    /** Waits until exactly {@code expected} records of the run are committed. */
    static void awaitCommittedRecords(
            KafkaBroker kafka, String run, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen;
        while (true) {
            seen = kafka.readCommitted(topic(run, "records")).size();
            if (seen == expected) {
                return;
            }
            assertThat(seen)
                    .as("committed records of run %s (never more than expected)", run)
                    .isLessThan(expected);
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "run "
                                + run
                                + ": "
                                + seen
                                + " committed records after "
                                + timeout
                                + ", expected "
                                + expected);
            }
            sleep(250);
        }
    }

    /**
     * Every committed output of a run, each message as a comparable string: its key and its JSON
     * value with run-specific parts removed (the input topic's name in dead-letter origins) and
     * wall-clock fields dropped ({@code processing_time_ms} of bucket results).
     */
    static Map<String, List<String>> committedOutputs(KafkaBroker kafka, String run) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String output : OUTPUTS) {
            List<ConsumerRecord<byte[], byte[]>> messages = kafka.readCommitted(topic(run, output));
            List<String> views = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> m : messages) {
                JsonNode value = KafkaIo.json(m.value());
                if (value instanceof ObjectNode o) {
                    o.remove("processing_time_ms");
                    if (o.has("origin")) {
                        o.put(
                                "origin",
                                o.path("origin").asText().replace(topic(run, "in"), "<input>"));
                    }
                }
                views.add(KafkaIo.key(m) + " => " + canonical(value));
            }
            out.put(output, views);
        }
        return out;
    }

    /** A JSON value with object keys sorted, so equal content gives equal text. */
    static String canonical(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, String> sorted = new TreeMap<>();
            node.fields().forEachRemaining(e -> sorted.put(e.getKey(), canonical(e.getValue())));
            StringBuilder b = new StringBuilder("{");
            sorted.forEach((k, v) -> b.append('"').append(k).append("\":").append(v).append(','));
            return b.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder b = new StringBuilder("[");
            node.forEach(n -> b.append(canonical(n)).append(','));
            return b.append(']').toString();
        }
        return node.toString();
    }

    /**
     * Asserts that two runs committed the same messages on every output, as multisets (order across
     * partitions and subtasks is not part of the contract): nothing lost, nothing twice.
     */
    static void assertSameOutputs(
            Map<String, List<String>> expected, Map<String, List<String>> actual, String what) {
        for (String output : OUTPUTS) {
            List<String> e = expected.get(output);
            List<String> a = actual.get(output);
            assertThat(a)
                    .as(
                            "%s: committed %s (%d expected, %d found)",
                            what, output, e.size(), a.size())
                    .containsExactlyInAnyOrderElementsOf(e);
        }
    }

    /** Total size of the files under a savepoint or checkpoint directory. */
    static long directorySize(String location) throws IOException {
        Path dir = Path.of(java.net.URI.create(location));
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(
                            f -> {
                                try {
                                    return Files.size(f);
                                } catch (IOException e) {
                                    return 0;
                                }
                            })
                    .sum();
        }
    }

    /** A count of each output's messages, for the log. */
    static String sizes(Map<String, List<String>> outputs) {
        Function<String, String> one = o -> o + "=" + outputs.get(o).size();
        return String.join(", ", OUTPUTS.stream().map(one).toList());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
