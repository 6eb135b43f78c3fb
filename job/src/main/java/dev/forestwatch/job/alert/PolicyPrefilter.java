package dev.forestwatch.job.alert;

import dev.forestwatch.job.config.AlertPolicy;
import dev.forestwatch.job.config.AlertingSpec;
import dev.forestwatch.job.model.AlertCandidate;
import dev.forestwatch.job.score.Severity;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;

/**
 * Drops, before the alert operator's {@code keyBy}, every candidate that no policy can match
 * whatever the state: wrong level, severity below every policy's minimum, or a score below every
 * score-mode policy's {@code min_score} (cutoff-mode policies depend on the broadcast cutoff, so
 * their candidates pass). Without it every final record became keyed state with its own timer in
 * the alert operator. Counted in {@code alertCandidatesDropped}.
 */
public class PolicyPrefilter extends RichFilterFunction<AlertCandidate> {
    private final List<AlertPolicy> policies;
    private final Severity[] minSeverities;
    private transient Counter dropped;

    public PolicyPrefilter(AlertingSpec spec) {
        this.policies = new ArrayList<>(spec.policies() == null ? List.of() : spec.policies());
        this.minSeverities = new Severity[policies.size()];
        for (int i = 0; i < policies.size(); i++) {
            minSeverities[i] = AlertFunction.severityOf(policies.get(i).minSeverity());
        }
    }

    @Override
    public void open(OpenContext openContext) {
        dropped = getRuntimeContext().getMetricGroup().counter("alertCandidatesDropped");
    }

    @Override
    public boolean filter(AlertCandidate c) {
        boolean keep = couldMatch(c);
        if (!keep && dropped != null) {
            dropped.inc();
        }
        return keep;
    }

    /** Whether some policy could raise an alert for {@code c}. */
    boolean couldMatch(AlertCandidate c) {
        Severity severity = Severity.of(c.score());
        for (int i = 0; i < policies.size(); i++) {
            AlertPolicy p = policies.get(i);
            if (!AlertFunction.levelMatches(p, c) || severity.compareTo(minSeverities[i]) < 0) {
                continue;
            }
            if (p.mode() == AlertPolicy.Mode.CUTOFF || c.score() >= p.minScore()) {
                return true;
            }
        }
        return false;
    }
}
