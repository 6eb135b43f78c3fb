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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upgrades and rescaling through savepoints on a standalone session cluster of separate JVMs: the
 * job reads the input in three phases; after each of the first two it is stopped with a savepoint
 * ({@code /jobs/:id/stop}) and resubmitted from it at another parallelism (2, then 1, then 3), with
 * {@code allowNonRestoredState: false}, so every piece of state must find its operator. Every
 * series continues with its own forest, score history and open buckets: what the three jobs
 * committed together equals, message for message, what one uninterrupted job committed for the same
 * input.
 */
class SavepointRescaleITCase {
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
    void stopWithSavepointAndRescaleTwoOneThreeContinuesEverySeries() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        StandaloneCluster cluster = CLUSTER.cluster();
        FlinkRest rest = cluster.rest();
        Path specs = cluster.workDir().resolve("specs");
        Path savepoints = cluster.workDir().resolve("savepoints");
        String jar = rest.uploadJar(ClusterScenario.clusterJar());
        Instant end = LatencyEvents.START.plus(Duration.ofDays(LatencyEvents.DAYS));

        // R: one uninterrupted job at parallelism 2
        long startR = System.nanoTime();
        ClusterScenario.createTopics(kafka, "r");
        KafkaIo.produceAll(
                kafka.bootstrapServers(),
                ClusterScenario.topic("r", "in"),
                ClusterScenario.allInput());
        Path specR = ClusterScenario.writeSpec(specs, kafka.bootstrapServers(), "r");
        String jobR = submit(rest, jar, specR, 2, null);
        ClusterScenario.awaitCommittedRecords(
                kafka, "r", ClusterScenario.recordsBefore(end), STEP_TIMEOUT);
        rest.stopWithSavepoint(jobR, savepoints, true, STEP_TIMEOUT);
        rest.awaitJobState(jobR, "FINISHED", STEP_TIMEOUT);
        Map<String, List<String>> r = ClusterScenario.committedOutputs(kafka, "r");
        log("uninterrupted run: %.1f s; %s", seconds(startR), ClusterScenario.sizes(r));
        assertThat(r.get("records")).hasSize(ClusterScenario.allRecords());

        // S: the same input in three phases, a stop with savepoint after each of the first two
        long startS = System.nanoTime();
        Instant cut1 = LatencyEvents.START.plus(Duration.ofHours(30));
        Instant cut2 = LatencyEvents.START.plus(Duration.ofHours(66));
        List<List<LatencyEvents.Message>> phases = ClusterScenario.phases(cut1, cut2);
        Instant[] phaseEnds = {cut1, cut2, end};
        int[] parallelism = {2, 1, 3};
        ClusterScenario.createTopics(kafka, "s");
        Path specS = ClusterScenario.writeSpec(specs, kafka.bootstrapServers(), "s");
        String savepoint = null;
        for (int phase = 0; phase < 3; phase++) {
            long submitted = System.nanoTime();
            String job = submit(rest, jar, specS, parallelism[phase], savepoint);
            assertThat(rest.parallelisms(job))
                    .as("every vertex runs at the requested parallelism")
                    .containsOnly(parallelism[phase]);
            if (savepoint != null) {
                JsonNode restored = rest.checkpoints(job).path("latest").path("restored");
                assertThat(restored.path("is_savepoint").asBoolean())
                        .as("phase %d job restored from the savepoint: %s", phase + 1, restored)
                        .isTrue();
                assertThat(restored.path("external_path").asText()).isEqualTo(savepoint);
            }
            double running = seconds(submitted);
            KafkaIo.produceAll(
                    kafka.bootstrapServers(), ClusterScenario.topic("s", "in"), phases.get(phase));
            ClusterScenario.awaitCommittedRecords(
                    kafka, "s", ClusterScenario.recordsBefore(phaseEnds[phase]), STEP_TIMEOUT);
            boolean last = phase == 2;
            long stopping = System.nanoTime();
            String location = rest.stopWithSavepoint(job, savepoints, last, STEP_TIMEOUT);
            rest.awaitJobState(job, "FINISHED", STEP_TIMEOUT);
            log(
                    "phase %d at parallelism %d: running %.1f s after submission, phase done after"
                            + " %.1f s; stop with savepoint%s %.1f s, savepoint %s bytes: %s",
                    phase + 1,
                    parallelism[phase],
                    running,
                    seconds(submitted),
                    last ? " (drain)" : "",
                    seconds(stopping),
                    String.format(Locale.ROOT, "%,d", ClusterScenario.directorySize(location)),
                    location);
            savepoint = location;
        }
        Map<String, List<String>> s = ClusterScenario.committedOutputs(kafka, "s");
        log(
                "run with savepoints and rescaling 2-1-3: %.1f s; %s",
                seconds(startS), ClusterScenario.sizes(s));

        ClusterScenario.assertSameOutputs(r, s, "savepoints and rescaling 2-1-3 vs uninterrupted");
    }

    private static String submit(
            FlinkRest rest, String jar, Path spec, int parallelism, String savepoint) {
        String job = rest.runJar(jar, List.of("--spec", spec.toString()), parallelism, savepoint);
        FlinkRest.await(
                () -> rest.job(job), j -> rest.fullyRunning(job), STEP_TIMEOUT, "job running");
        return job;
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.println("[cluster] " + String.format(Locale.ROOT, format, args));
    }
}
