package dev.forestwatch.it.support;

import dev.forestwatch.job.AnomalyDetectionJob;
import dev.forestwatch.job.OutputSinks;
import dev.forestwatch.job.config.JobSpec;

/**
 * The Kafka sinks of a spec's {@code sinks.kafka}, exactly as {@link AnomalyDetectionJob} builds
 * them for a run.
 */
public final class KafkaOutputSinks {
    private KafkaOutputSinks() {}

    /** The Kafka sinks of {@code spec}; empty when it has no {@code sinks.kafka}. */
    public static OutputSinks fromSpec(JobSpec spec) {
        return AnomalyDetectionJob.addKafkaSinks(spec, new OutputSinks());
    }
}
