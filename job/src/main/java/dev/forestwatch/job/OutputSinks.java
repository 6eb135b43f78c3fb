package dev.forestwatch.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the pipeline's JSON lines go: any number of sinks per output (files, Kafka topics, the
 * console), each with its own stable uid.
 */
public final class OutputSinks {
    /** One sink of one output. */
    public record Binding(Output output, String kind, Sink<String> sink, int parallelism) {
        /** The sink's uid, e.g. {@code records-kafka-sink}: stable across versions. */
        public String uid() {
            return output.id() + "-" + kind + "-sink";
        }
    }

    private final List<Binding> bindings = new ArrayList<>();

    /** Adds a sink for an output; {@code kind} names it in its uid (file, kafka, console). */
    public OutputSinks add(Output output, String kind, Sink<String> sink, int parallelism) {
        bindings.add(new Binding(output, kind, sink, parallelism));
        return this;
    }

    /** The sinks of one output. */
    public List<Binding> of(Output output) {
        return bindings.stream().filter(b -> b.output() == output).toList();
    }

    public List<Binding> all() {
        return List.copyOf(bindings);
    }
}
