package dev.forestwatch.job;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.RecordResult;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The typed result streams of the pipeline, before serialization to sinks.
 *
 * @param records one record per series and bucket
 * @param buckets one bucket result per bucket
 * @param deadLetters every rejected event
 */
public record PipelineStreams(
        DataStream<RecordResult> records,
        DataStream<BucketResult> buckets,
        DataStream<DeadLetter> deadLetters) {}
