package dev.forestwatch.it.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/** Flink settings of the test clusters, beyond addresses, ports and memory. */
final class ClusterSettings {
    private ClusterSettings() {}

    /**
     * The job's required settings as in {@code config/flink/config.yaml}, with short intervals so
     * the scenarios run in seconds: a checkpoint every second (exactly-once Kafka sinks commit on
     * checkpoints), a quick fixed-delay restart, TaskManager loss noticed within seconds, slots
     * spread over all TaskManagers (so killing one always hits the job).
     */
    static Map<String, String> withCheckpointing() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("pipeline.generic-types", "false");
        s.put("pipeline.auto-generate-uids", "false");
        s.put("pipeline.max-parallelism", "128");
        s.put("execution.checkpointing.interval", "1s");
        s.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        s.put("execution.checkpointing.min-pause", "500ms");
        s.put("execution.checkpointing.timeout", "2min");
        s.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        s.put("state.backend.type", "hashmap");
        s.put("restart-strategy.type", "fixed-delay");
        s.put("restart-strategy.fixed-delay.attempts", "20");
        s.put("restart-strategy.fixed-delay.delay", "1s");
        s.put("heartbeat.interval", "2000");
        s.put("heartbeat.timeout", "10000");
        s.put("cluster.evenly-spread-out-slots", "true");
        return s;
    }
}
