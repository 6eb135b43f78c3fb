package dev.forestwatch.job;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.RecordResult;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The typed result streams of the pipeline, before serialization to sinks.
 *
 * @param records scored records at or above the minimum record score (final and interim)
 * @param influencers influencer results of final buckets
 * @param buckets one bucket result per bucket (plus interim ones when configured)
 * @param renormalized updated results as JSON lines, same result ids as the originals
 * @param alerts alerts raised by the policies
 * @param cutoffs cutoff recomputations
 * @param deadLetters every rejected event
 */
public record PipelineStreams(
        DataStream<RecordResult> records,
        DataStream<InfluencerResult> influencers,
        DataStream<BucketResult> buckets,
        DataStream<String> renormalized,
        DataStream<Alert> alerts,
        DataStream<CutoffItem> cutoffs,
        DataStream<DeadLetter> deadLetters) {}
