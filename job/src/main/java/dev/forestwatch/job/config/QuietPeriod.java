package dev.forestwatch.job.config;

import java.io.Serializable;

/**
 * A scheduled window (holiday, maintenance) during which alerts are suppressed; results are still
 * produced.
 *
 * @param name what it is, written into suppression metrics and logs
 * @param startMillis start, inclusive (event time, epoch ms)
 * @param endMillis end, exclusive
 */
public record QuietPeriod(String name, long startMillis, long endMillis) implements Serializable {

    public boolean contains(long timestamp) {
        return timestamp >= startMillis && timestamp < endMillis;
    }
}
