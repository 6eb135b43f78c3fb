package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * What to analyse: the bucket span, the detectors and the influencer fields.
 *
 * @param bucketSpan width of the event-time buckets
 * @param detectors the detectors, in spec order
 * @param influencers field names reported as influencers
 * @param interimEvery cadence of interim results inside an open bucket, or {@code null} for none
 */
public record AnalysisSpec(
        Duration bucketSpan,
        List<DetectorSpec> detectors,
        List<String> influencers,
        Duration interimEvery)
        implements Serializable {}
