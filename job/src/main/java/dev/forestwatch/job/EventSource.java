package dev.forestwatch.job;

import dev.forestwatch.connectors.raw.RawEvent;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where the pipeline's raw events come from. Production wires a spec's source ({@link
 * EventSources#fromSpec}); tests inject their own.
 */
@FunctionalInterface
public interface EventSource {
    /** Adds the source (with uids and names) to the environment and returns its raw events. */
    DataStream<RawEvent> attach(StreamExecutionEnvironment env);

    /**
     * Whether the source assigns event timestamps and watermarks itself (per Kafka partition, for
     * example); otherwise the pipeline assigns them after parsing.
     */
    default boolean assignsWatermarks() {
        return false;
    }
}
