package dev.forestwatch.job.parse;

import dev.forestwatch.connectors.deadletter.DeadLetterReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Flink counters for dead letters: {@code deadLetters} in total and {@code deadLetters.<reason>}
 * per reason, registered in the operator's metric group.
 */
public final class DeadLetterCounters {
    private final Counter total;
    private final Map<DeadLetterReason, Counter> byReason = new EnumMap<>(DeadLetterReason.class);

    public DeadLetterCounters(MetricGroup operatorGroup) {
        this.total = operatorGroup.counter("deadLetters");
        MetricGroup reasons = operatorGroup.addGroup("deadLetters");
        for (DeadLetterReason r : DeadLetterReason.values()) {
            byReason.put(r, reasons.counter(r.code()));
        }
    }

    /** Counts one dead letter with the given reason code. */
    public void count(String reasonCode) {
        total.inc();
        for (Map.Entry<DeadLetterReason, Counter> e : byReason.entrySet()) {
            if (e.getKey().code().equals(reasonCode)) {
                e.getValue().inc();
                return;
            }
        }
    }
}
