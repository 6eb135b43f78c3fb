package dev.forestwatch.it.support;

import dev.forestwatch.connectors.kafka.JsonMessageKey;
import dev.forestwatch.connectors.kafka.KafkaSinkSpec;
import dev.forestwatch.connectors.kafka.KafkaSinks;
import dev.forestwatch.job.Output;
import dev.forestwatch.job.OutputSinks;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.KafkaSinksSpec;

/**
 * The Kafka sinks of a spec's {@code sinks.kafka}, built the way {@code AnomalyDetectionJob} builds
 * them for a run (its {@code sinks(...)} is package-private): one exactly-once sink per output that
 * has a topic, transactional ids {@code <prefix>-<output>}, keyed by the output's key field.
 */
public final class KafkaOutputSinks {
    private KafkaOutputSinks() {}

    /** The Kafka sinks of {@code spec}; empty when it has no {@code sinks.kafka}. */
    public static OutputSinks fromSpec(JobSpec spec) {
        OutputSinks sinks = new OutputSinks();
        KafkaSinksSpec kafka = spec.sinks().kafka();
        if (kafka == null) {
            return sinks;
        }
        for (Output output : Output.values()) {
            String topic = kafka.topicOf(output);
            if (topic == null) {
                continue;
            }
            String prefix =
                    (kafka.transactionalIdPrefix() == null
                                    ? "forestwatch-" + spec.jobId()
                                    : kafka.transactionalIdPrefix())
                            + "-"
                            + output.id();
            KafkaSinkSpec sinkSpec =
                    new KafkaSinkSpec(
                            kafka.bootstrapServers(),
                            topic,
                            kafka.deliveryGuarantee(),
                            prefix,
                            kafka.transactionTimeout(),
                            kafka.properties());
            sinks.add(
                    output,
                    "kafka",
                    KafkaSinks.create(sinkSpec, JsonMessageKey.field(output.messageKeyField())),
                    0);
        }
        return sinks;
    }
}
