package dev.forestwatch.connectors.datagen;

import java.io.Serializable;

/**
 * One anomaly the synthetic generator injected: which host, what kind, and when (event time, ms).
 *
 * @param kind spike, dip, level_shift or silence
 * @param entity the host name, as written in the {@code host} field
 * @param startMillis first affected event time (inclusive)
 * @param endMillis last affected event time (exclusive); a level shift lasts to the end
 */
public record InjectedAnomaly(String kind, String entity, long startMillis, long endMillis)
        implements Serializable {

    /** Whether an interval [from, to) overlaps this anomaly. */
    public boolean overlaps(long from, long to) {
        return from < endMillis && to > startMillis;
    }
}
