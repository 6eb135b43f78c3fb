package dev.forestwatch.job.config;

import java.io.Serializable;

/**
 * A whole, validated job spec. Built only by {@link JobSpecLoader}, so every instance is valid.
 *
 * @param jobId the job's id, written into every result
 * @param description free text
 * @param source where events come from
 * @param event event-time mapping and tolerance
 * @param analysis bucket span, detectors and influencers
 * @param model forest settings
 * @param scoring probabilities, normalized scores and renormalization
 * @param alerting alert policies, suppression and quiet periods
 * @param sinks result outputs
 * @param limits protective limits
 */
public record JobSpec(
        String jobId,
        String description,
        SourceSpec source,
        EventSpec event,
        AnalysisSpec analysis,
        ModelSpec model,
        ScoringSpec scoring,
        AlertingSpec alerting,
        SinksSpec sinks,
        LimitsSpec limits)
        implements Serializable {}
