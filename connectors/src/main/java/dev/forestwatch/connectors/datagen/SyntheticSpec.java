package dev.forestwatch.connectors.datagen;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * Settings of the synthetic metrics generator used for demos and tests.
 *
 * @param seed random seed; the same seed always produces the same events
 * @param entities number of hosts emitting events
 * @param start event time of the first step
 * @param duration how much event time to generate
 * @param step event-time distance between generator steps
 * @param eventsPerStep average number of events per entity and step (seasonality varies it)
 * @param injectAnomalies whether to inject the spike, dip, level shift and silence anomalies
 */
public record SyntheticSpec(
        long seed,
        int entities,
        Instant start,
        Duration duration,
        Duration step,
        double eventsPerStep,
        boolean injectAnomalies)
        implements Serializable {

    /** Number of generator steps this spec produces. */
    public long steps() {
        return duration.toMillis() / step.toMillis();
    }
}
