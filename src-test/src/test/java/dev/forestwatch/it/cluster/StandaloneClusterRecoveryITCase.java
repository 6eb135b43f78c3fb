package dev.forestwatch.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.connectors.testutil.KafkaBroker;
import dev.forestwatch.connectors.testutil.KafkaBrokerExtension;
import dev.forestwatch.it.support.KafkaIo;
import dev.forestwatch.it.support.LatencyEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TaskManager process dies (SIGKILL) while the job processes Kafka input on a standalone session
 * cluster of separate JVMs; the job restarts from its last checkpoint on the remaining and a
 * replacement TaskManager, and what {@code read_committed} consumers see on every output topic
 * equals, message for message, what an undisturbed run of the same input committed.
 *
 * <p>Both runs are submitted like a user would: the shaded cluster jar uploaded through the REST
 * API and run with {@code --spec}; both end with a draining stop with savepoint, so every bucket is
 * closed and every result committed.
 */
class StandaloneClusterRecoveryITCase {
    private static final int PARALLELISM = 2;
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final StandaloneClusterExtension CLUSTER =
            new StandaloneClusterExtension(2, 2, ClusterSettings.withCheckpointing());

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void killedTaskManagerNeitherLosesNorDuplicatesCommittedResults() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        StandaloneCluster cluster = CLUSTER.cluster();
        FlinkRest rest = cluster.rest();
        Path specs = cluster.workDir().resolve("specs");
        String jar = rest.uploadJar(ClusterScenario.clusterJar());

        // A: undisturbed
        long startA = System.nanoTime();
        ClusterScenario.createTopics(kafka, "a");
        KafkaIo.produceAll(
                kafka.bootstrapServers(),
                ClusterScenario.topic("a", "in"),
                ClusterScenario.allInput());
        String jobA =
                submit(rest, jar, ClusterScenario.writeSpec(specs, kafka.bootstrapServers(), "a"));
        ClusterScenario.awaitCommittedRecords(
                kafka, "a", ClusterScenario.recordsBefore(end()), STEP_TIMEOUT);
        rest.stopWithSavepoint(jobA, cluster.workDir().resolve("final-a"), true, STEP_TIMEOUT);
        rest.awaitJobState(jobA, "FINISHED", STEP_TIMEOUT);
        Map<String, List<String>> a = ClusterScenario.committedOutputs(kafka, "a");
        log("undisturbed run: %.1f s; %s", seconds(startA), ClusterScenario.sizes(a));
        assertThat(a.get("records")).hasSize(ClusterScenario.allRecords());
        assertThat(a.get("alerts")).isNotEmpty();
        assertThat(a.get("dead-letters")).isNotEmpty();

        // B: the same input in three phases; a TaskManager running the job dies during phase 2
        long startB = System.nanoTime();
        Instant cut1 = LatencyEvents.START.plus(Duration.ofHours(36));
        Instant cut2 = LatencyEvents.START.plus(Duration.ofHours(60));
        List<List<LatencyEvents.Message>> phases = ClusterScenario.phases(cut1, cut2);
        ClusterScenario.createTopics(kafka, "b");
        String inB = ClusterScenario.topic("b", "in");
        String jobB =
                submit(rest, jar, ClusterScenario.writeSpec(specs, kafka.bootstrapServers(), "b"));
        KafkaIo.produceAll(kafka.bootstrapServers(), inB, phases.get(0));
        ClusterScenario.awaitCommittedRecords(
                kafka, "b", ClusterScenario.recordsBefore(cut1), STEP_TIMEOUT);
        long checkpointsBefore = rest.checkpoints(jobB).path("counts").path("completed").asLong();
        assertThat(checkpointsBefore).as("completed checkpoints before the kill").isPositive();

        Set<String> hosts = rest.taskManagersOf(jobB);
        assertThat(hosts).as("TaskManagers running the job (slots spread out)").hasSize(2);
        String victim = hosts.iterator().next();
        KafkaIo.produceAll(kafka.bootstrapServers(), inB, phases.get(1));
        Thread.sleep(300); // the job is busy with phase 2, its transactions open
        long killedAt = System.nanoTime();
        cluster.killTaskManager(victim);
        log("killed %s (SIGKILL) while the job processed phase 2", victim);
        cluster.startTaskManager("tm-3");

        JsonNode restored =
                FlinkRest.await(
                        () -> rest.checkpoints(jobB),
                        c ->
                                !c.path("latest").path("restored").isMissingNode()
                                        && !c.path("latest").path("restored").isNull(),
                        STEP_TIMEOUT,
                        "a restore of job " + jobB);
        JsonNode from = restored.path("latest").path("restored");
        assertThat(from.path("is_savepoint").asBoolean())
                .as("restored from a checkpoint")
                .isFalse();
        long restoredId = from.path("id").asLong();
        FlinkRest.await(
                () -> rest.job(jobB),
                j -> rest.fullyRunning(jobB),
                STEP_TIMEOUT,
                "job " + jobB + " running again");
        double runningAfter = seconds(killedAt);
        FlinkRest.await(
                () -> rest.checkpoints(jobB),
                c -> c.path("latest").path("completed").path("id").asLong() > restoredId,
                STEP_TIMEOUT,
                "a checkpoint after the restore");
        double checkpointAfter = seconds(killedAt);
        log(
                "recovery: restored checkpoint %d; all tasks running %.1f s after the kill,"
                        + " first new checkpoint after %.1f s",
                restoredId, runningAfter, checkpointAfter);
        assertThat(rest.taskManagersOf(jobB)).doesNotContain(victim);

        KafkaIo.produceAll(kafka.bootstrapServers(), inB, phases.get(2));
        ClusterScenario.awaitCommittedRecords(
                kafka, "b", ClusterScenario.recordsBefore(end()), STEP_TIMEOUT);
        rest.stopWithSavepoint(jobB, cluster.workDir().resolve("final-b"), true, STEP_TIMEOUT);
        rest.awaitJobState(jobB, "FINISHED", STEP_TIMEOUT);
        Map<String, List<String>> b = ClusterScenario.committedOutputs(kafka, "b");
        log("run with a killed TaskManager: %.1f s; %s", seconds(startB), ClusterScenario.sizes(b));

        ClusterScenario.assertSameOutputs(a, b, "run with a killed TaskManager vs undisturbed");
        assertThat(cluster.aliveProcesses()).contains("jobmanager", "tm-3").doesNotContain(victim);
    }

    private static String submit(FlinkRest rest, String jar, Path spec) {
        String job = rest.runJar(jar, List.of("--spec", spec.toString()), PARALLELISM, null);
        FlinkRest.await(
                () -> rest.job(job), j -> rest.fullyRunning(job), STEP_TIMEOUT, "job running");
        return job;
    }

    private static Instant end() {
        return LatencyEvents.START.plus(Duration.ofDays(LatencyEvents.DAYS));
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.println("[cluster] " + String.format(java.util.Locale.ROOT, format, args));
    }
}
