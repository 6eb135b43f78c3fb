package dev.forestwatch.job;

import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the pipeline's JSON lines go. Each sink may be null to drop that output.
 *
 * @param records record results at or above {@code scoring.min_record_score}
 * @param influencers influencer results
 * @param buckets bucket results
 * @param renormalized updated records, influencers and buckets (same result ids)
 * @param deadLetters rejected events with their reasons
 * @param parallelism parallelism of the sinks (1 for local files)
 */
public record OutputSinks(
        Sink<String> records,
        Sink<String> influencers,
        Sink<String> buckets,
        Sink<String> renormalized,
        Sink<String> deadLetters,
        int parallelism) {}
