package dev.forestwatch.job;

import dev.forestwatch.connectors.datagen.SyntheticBatchSplitter;
import dev.forestwatch.connectors.datagen.SyntheticMetrics;
import dev.forestwatch.connectors.ddbstreams.DynamoDbStreamsSources;
import dev.forestwatch.connectors.file.FileSources;
import dev.forestwatch.connectors.kafka.KafkaSources;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.SourceSpec;
import dev.forestwatch.job.parse.EventDecoder;
import dev.forestwatch.job.parse.RawEventTimestamps;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Builds the {@link EventSource} a spec names. */
public final class EventSources {
    private EventSources() {}

    /** The spec's source (the whole spec is needed for Kafka's per-partition watermarks). */
    public static EventSource fromSpec(JobSpec job) {
        SourceSpec spec = job.source();
        return switch (spec.type()) {
            case KAFKA -> new KafkaEventSource(job);
            case DYNAMODB_STREAMS ->
                    env ->
                            DynamoDbStreamsSources.attach(
                                    env,
                                    spec.dynamodbStreams(),
                                    OperatorUids.DYNAMODB_STREAMS_SOURCE,
                                    "DynamoDB Streams: " + spec.dynamodbStreams().label());
            default -> fromSpec(spec);
        };
    }

    /**
     * File replay and the generator. Both run at parallelism 1: each emits in event time order, and
     * one reader keeps that order (watermarks are assigned after parsing).
     */
    public static EventSource fromSpec(SourceSpec spec) {
        return switch (spec.type()) {
            case FILE ->
                    env ->
                            env.fromSource(
                                            FileSources.create(spec.file()),
                                            WatermarkStrategy.noWatermarks(),
                                            "File source: " + spec.file().path())
                                    .uid(OperatorUids.FILE_SOURCE)
                                    .setParallelism(1);
            case DATAGEN ->
                    env ->
                            env.fromSource(
                                            SyntheticMetrics.source(spec.datagen()),
                                            WatermarkStrategy.noWatermarks(),
                                            "Synthetic metrics")
                                    .uid(OperatorUids.DATAGEN_SOURCE)
                                    .setParallelism(1)
                                    .flatMap(new SyntheticBatchSplitter())
                                    .returns(TypeInformation.of(RawEvent.class))
                                    .uid(OperatorUids.DATAGEN_SPLITTER)
                                    .name("Split generator steps into events")
                                    .setParallelism(1);
            default ->
                    throw new IllegalArgumentException(
                            "source type " + spec.type() + " needs the whole job spec");
        };
    }

    /**
     * Kafka, with watermarks generated per partition inside the source (bounded out-of-orderness
     * and idleness from the spec), so a slow or idle partition holds back or releases the watermark
     * on its own.
     */
    static final class KafkaEventSource implements EventSource {
        private final JobSpec job;

        KafkaEventSource(JobSpec job) {
            this.job = job;
        }

        @Override
        public DataStream<RawEvent> attach(StreamExecutionEnvironment env) {
            return env.fromSource(
                            KafkaSources.create(job.source().kafka()),
                            AnomalyPipeline.watermarkStrategy(
                                    job, new RawEventTimestamps(new EventDecoder(job))),
                            "Kafka: " + describe(job))
                    .uid(OperatorUids.KAFKA_SOURCE);
        }

        @Override
        public boolean assignsWatermarks() {
            return true;
        }

        private static String describe(JobSpec job) {
            var k = job.source().kafka();
            return k.topics() != null ? String.join(",", k.topics()) : k.topicPattern();
        }
    }
}
