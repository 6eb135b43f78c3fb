package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Alerting: the policies, how long an entity stays quiet after an alert, and scheduled quiet
 * periods.
 *
 * @param policies the alert policies (empty: no alerts)
 * @param suppression after an alert for an entity at a level, further alerts for it are suppressed
 *     for this much event time (0: only de-duplication per bucket)
 * @param quietPeriods windows without alerts
 */
public record AlertingSpec(
        List<AlertPolicy> policies, Duration suppression, List<QuietPeriod> quietPeriods)
        implements Serializable {}
