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
 */
public record AnalysisSpec(
        Duration bucketSpan, List<DetectorSpec> detectors, List<String> influencers)
        implements Serializable {}
